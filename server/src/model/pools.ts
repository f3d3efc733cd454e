// Pool arithmetic shared by the pool sizing rules: which pools a configuration gives PgBouncer,
// how many server connections each may open, and the limits that cap them, read as PgBouncer
// reads them. What each rule reports is detected here too, so that a rule can check that its fix
// does not make another pool sizing rule fire.
//
// PgBouncer's model (src/server.c, src/objects.c, src/janitor.c of 1.18 to 1.25):
// - A pool belongs to one [databases] entry and one user: the entry's forced user= if it has one,
//   else the user the client logged in as. Clients of one database and one user share one pool.
// - Pool size (pool_pool_size): the user's [users] pool_size (1.23+), else the database's
//   pool_size, else default_pool_size. The reserve likewise: [users] (1.24+), [databases]
//   (reserve_pool, or reserve_pool_size from 1.24), global. Negative per-entry values mean unset.
// - A pool size of 0 means no limit from 1.24 on (launch_new_connection skips the size check);
//   before, a pool of size 0 gets no connections beyond its first one, except from the reserve.
// - The reserve is taken only once the first waiting client has waited reserve_pool_timeout,
//   and only when that timeout is above 0 (in whole microseconds): 0 turns the reserve off.
// - min_pool_size is the database's, else the global one. The janitor only opens connections
//   while the pool has fewer than both min_pool_size and the pool size: the minimum is capped at
//   the pool size, and does nothing at all when the pool size is 0.
// - max_db_connections caps the server connections of one [databases] entry, all its pools
//   together (the entry's own value when above 0, else the global one, 0 = no cap);
//   max_user_connections caps those of one user over all databases ([users] value, else global).

import type { Fix, FixKind, TextEdit } from '../findings/fix';
import { replace } from './edits';
import type { LoadedFile } from './config';
import type { ConnectionEntry } from './effective';
import { lastParamIndex, memoOf, paramAt, paramValueAt } from '../syntax/connstring';
import type { ConnStringMemo } from '../syntax/connstring';
import type { ConnParam } from '../syntax/connstring';
import type { Span } from '../syntax/syntax';
import { availableIn, setting } from '../catalog/catalog';
import type { SectionName } from '../catalog/catalog';
import { atoiValue, readAtoi } from '../catalog/values';
import type { RuleContext, RuleOptions, SharedStore } from '../rules/rule';

/** From this release on, a pool size of 0 means "no limit" (NEWS.md 1.24.0, #1227). */
export const UNLIMITED_POOL_SINCE = '1.24.0';
/** PostgreSQL's default superuser_reserved_connections: slots ordinary roles cannot use. */
export const SUPERUSER_RESERVED_CONNECTIONS = 3;
/** Files PgBouncer holds besides connections (listening sockets, log, pidfile); its own estimate adds 10. */
export const OTHER_FILES = 10;
/** The [databases] key of the fallback entry that automatic databases are made from. */
export const FALLBACK_DATABASE = '*';

export type Level = 'global' | 'database' | 'user';

/** Where a number comes from: a [pgbouncer] setting, or a parameter of a database or user entry. */
export interface Source {
  level: Level;
  /** The setting or parameter name as written (reserve_pool or reserve_pool_size). */
  name: string;
  /** Name used in overrides (reserve_pool_size for both spellings). */
  canonical: string;
  /** The database or user entry, for parameters. */
  owner?: ConnectionEntry;
  /** The parameter as written; absent for a parameter a fix would add. */
  param?: ConnParam;
}

export interface Valued {
  value: number;
  source: Source;
}

/** Values to use instead of the written ones, by sourceKey(); used to try a fix before offering it. */
export type Overrides = ReadonlyMap<string, number>;

export interface Pool {
  database: ConnectionEntry;
  /** The pool's user: the forced user, a [users] entry, or null for any other client user. */
  user: string | null;
  forced: boolean;
  size: Valued;
  reserve: Valued;
  min: Valued;
  /** max_db_connections in force (above 0), if any. */
  dbCap: Valued | null;
  /** max_user_connections in force (above 0), if any. */
  userCap: Valued | null;
  /** The one pool each database has at least; the ones counted in sums over databases. */
  counted: boolean;
  /** Its load, once computed, and the model settings it was computed for (see computeDatabaseLoads). */
  load: DatabaseLoad | null;
  loadKey: number;
}

export interface PoolModel {
  context: RuleContext;
  overrides: Overrides;
  pools: Pool[];
  reserveTimeout: Valued;
  /** False when reserve_pool_timeout is 0: no pool ever takes reserve connections. */
  reserveEnabled: boolean;
  /** Pool size 0 means no limit (1.24+). */
  zeroIsUnlimited: boolean;
  maxClientConn: Valued;
  defaultPoolSize: Valued;
  globalReserve: Valued;
}

export function sourceKey(source: Source): string {
  return source.level === 'global'
    ? `global:${source.canonical}`
    : `${source.level}:${source.owner?.name ?? ''}:${source.canonical}`;
}

function available(section: SectionName, name: string, context: RuleContext): boolean {
  const known = setting(section, name);
  return known !== undefined && availableIn(known.addedIn, context.target);
}

/** The parameter names of a pool model, available in the target or not, looked up once per model. */
function availability(context: RuleContext): (section: SectionName, name: string) => boolean {
  const known = new Map<SectionName, Map<string, boolean>>();
  return (section, name) => {
    let inSection = known.get(section);
    if (!inSection) known.set(section, (inSection = new Map()));
    let value = inSection.get(name);
    if (value === undefined) inSection.set(name, (value = available(section, name, context)));
    return value;
  };
}

function globalValue(context: RuleContext, name: string, overrides: Overrides): Valued | null {
  const source: Source = { level: 'global', name, canonical: name };
  const override = overrides.get(sourceKey(source));
  if (override !== undefined) return { value: override, source };
  const value = name === 'reserve_pool_timeout' ? context.seconds(name) : context.int(name);
  return value === null ? null : { value, source };
}

/** A numeric parameter of a database or user entry (atoi, as PgBouncer reads them); the last spelling written wins. */
function paramValue(
  isAvailable: (section: SectionName, name: string) => boolean,
  entry: ConnectionEntry,
  level: 'database' | 'user',
  names: readonly string[],
  overrides: Overrides,
): Valued | null {
  const section: SectionName = level === 'database' ? 'databases' : 'users';
  const canonical = names[names.length - 1];
  // entry.params keeps the last parameter of each name; of several spellings, the last written wins.
  let found: ConnParam | undefined;
  for (const name of names) {
    const param = entry.params.get(name);
    if (param && isAvailable(section, name) && (!found || param.keySpan.start > found.keySpan.start)) {
      found = param;
    }
  }
  if (!found && overrides.size === 0) return null;
  const source: Source = { level, name: found?.key ?? canonical, canonical, owner: entry };
  if (found) source.param = found;
  const override = overrides.size === 0 ? undefined : overrides.get(sourceKey(source));
  if (override !== undefined) {
    if (!found && !names.some((name) => isAvailable(section, name))) return null;
    return { value: override, source };
  }
  return found ? { value: readAtoi(found.value).value, source } : null;
}

/** A database parameter's value; its source (and parameter object) is made when a rule asks. */
class DatabaseValued implements Valued {
  private made: Source | null = null;

  constructor(
    private readonly index: number,
    private readonly canonical: string,
    readonly value: number,
    private readonly owner: ConnectionEntry,
  ) {}

  get source(): Source {
    if (this.made) return this.made;
    const param = paramAt(this.owner.connString, this.index);
    return (this.made = {
      level: 'database',
      name: param.key,
      canonical: this.canonical,
      owner: this.owner,
      param,
    });
  }
}

/** paramValue of a database without overrides, as one object. */
function databaseValued(
  isAvailable: (section: SectionName, name: string) => boolean,
  database: ConnectionEntry,
  names: readonly string[],
): Valued | null {
  // Of several spellings, the one written last (the highest index) wins.
  let found = -1;
  for (let i = 0; i < names.length; i++) {
    const index = lastParamIndex(database.connString, names[i]);
    if (index > found && isAvailable('databases', names[i])) found = index;
  }
  if (found === -1) return null;
  const value = atoiValue(paramValueAt(database.connString, found));
  return new DatabaseValued(found, names[names.length - 1], value, database);
}

/** The pool values of a database, kept with its connection string (see memoOf). */
interface DatabasePoolValues {
  /** The target version they were looked up for (availability depends on it). */
  targetKey: string;
  owner: ConnectionEntry;
  size: Valued | null;
  reserve: Valued | null;
  min: Valued | null;
  cap: Valued | null;
}

function keptPoolValues(
  memo: ConnStringMemo,
  database: ConnectionEntry,
  isAvailable: (section: SectionName, name: string) => boolean,
  targetKey: string,
): DatabasePoolValues {
  const kept = memo.poolParams as DatabasePoolValues | undefined;
  if (kept !== undefined && kept.targetKey === targetKey && kept.owner === database) return kept;
  const values: DatabasePoolValues = {
    targetKey,
    owner: database,
    size: databaseValued(isAvailable, database, POOL_SIZE),
    reserve: databaseValued(isAvailable, database, DATABASE_RESERVE),
    min: databaseValued(isAvailable, database, MIN_POOL_SIZE),
    cap: databaseValued(isAvailable, database, MAX_DB_CONNECTIONS),
  };
  memo.poolParams = values;
  return values;
}

/** Entries PgBouncer accepts (a connection string with an error makes it drop the entry). */
function usable(entry: ConnectionEntry): boolean {
  return entry.connString.error === null;
}

const USER_POOL_PARAMS = ['pool_size', 'reserve_pool_size', 'max_user_connections'];
// The names each number is read from, most specific spelling last.
const POOL_SIZE = ['pool_size'];
const DATABASE_RESERVE = ['reserve_pool', 'reserve_pool_size'];
const USER_RESERVE = ['reserve_pool_size'];
const MIN_POOL_SIZE = ['min_pool_size'];
const MAX_DB_CONNECTIONS = ['max_db_connections'];
const MAX_USER_CONNECTIONS = ['max_user_connections'];

/** The first value that is set (0 or more): the more specific level wins. */
function pick(first: Valued | null, second: Valued | null): Valued | null {
  if (first !== null && first.value >= 0) return first;
  return second !== null && second.value >= 0 ? second : null;
}

/** The first cap in force (above 0). */
function pickCap(first: Valued | null, second: Valued | null): Valued | null {
  if (first !== null && first.value > 0) return first;
  return second !== null && second.value > 0 ? second : null;
}

const NO_OVERRIDES: Overrides = new Map();

/** What every pool of a model is made from besides its database's own values. */
interface PoolInputs {
  isAvailable: (section: SectionName, name: string) => boolean;
  overrides: Overrides;
  users: ReadonlyMap<string, ConnectionEntry>;
  defaultPoolSize: Valued;
  globalReserve: Valued;
  globalMin: Valued;
  globalDbCap: Valued;
  globalUserCap: Valued;
}

function makePool(
  inputs: PoolInputs,
  database: ConnectionEntry,
  dbSize: Valued | null,
  dbReserve: Valued | null,
  dbMin: Valued | null,
  dbCap: Valued | null,
  user: string | null,
  forced: boolean,
  counted: boolean,
): Pool {
  const { isAvailable, overrides } = inputs;
  const entry = user === null ? undefined : inputs.users.get(user);
  const userSize = entry ? paramValue(isAvailable, entry, 'user', POOL_SIZE, overrides) : null;
  const userReserve = entry ? paramValue(isAvailable, entry, 'user', USER_RESERVE, overrides) : null;
  const userCap = entry ? paramValue(isAvailable, entry, 'user', MAX_USER_CONNECTIONS, overrides) : null;
  return {
    database,
    user,
    forced,
    size: pick(userSize, dbSize) ?? inputs.defaultPoolSize,
    reserve: pick(userReserve, dbReserve) ?? inputs.globalReserve,
    min: pick(dbMin, null) ?? inputs.globalMin,
    dbCap: pickCap(dbCap, inputs.globalDbCap),
    userCap: pickCap(userCap, inputs.globalUserCap),
    counted,
    load: null,
    loadKey: -1,
  };
}

/** The model of the written configuration, built once per context: every pool sizing rule reads it. */
const builtModels: SharedStore<PoolModel | null> = new WeakMap();

/** The pools of a configuration, or null when a setting they depend on cannot be read. */
export function buildPoolModel(context: RuleContext, overrides: Overrides = NO_OVERRIDES): PoolModel | null {
  if (overrides.size > 0) return computePoolModel(context, overrides);
  return context.shared(builtModels, () => computePoolModel(context, NO_OVERRIDES));
}

function computePoolModel(context: RuleContext, overrides: Overrides): PoolModel | null {
  const isAvailable = availability(context);
  const defaultPoolSize = globalValue(context, 'default_pool_size', overrides);
  const globalReserve = globalValue(context, 'reserve_pool_size', overrides);
  const globalMin = globalValue(context, 'min_pool_size', overrides);
  const globalDbCap = globalValue(context, 'max_db_connections', overrides);
  const globalUserCap = globalValue(context, 'max_user_connections', overrides);
  const reserveTimeout = globalValue(context, 'reserve_pool_timeout', overrides);
  const maxClientConn = globalValue(context, 'max_client_conn', overrides);
  if (
    !defaultPoolSize ||
    !globalReserve ||
    !globalMin ||
    !globalDbCap ||
    !globalUserCap ||
    !reserveTimeout ||
    !maxClientConn
  ) {
    return null;
  }
  // cf_set_time_usec stores (usec_t)(seconds * 1000000): anything below a microsecond is 0.
  const reserveEnabled = Math.trunc(reserveTimeout.value * 1e6) > 0;
  const users = new Map<string, ConnectionEntry>();
  for (const user of context.users) if (usable(user)) users.set(user.name, user);
  const pools: Pool[] = [];
  const forcedUsers = new Set<string>();
  for (const database of context.databases) {
    const user = usable(database) ? database.params.get('user')?.value : undefined;
    if (user !== undefined) forcedUsers.add(user);
  }
  // Users with pool parameters of their own get pools of their own in every database.
  const usersWithPools: ConnectionEntry[] = [];
  for (const user of users.values()) {
    // A forced user is the server-side identity of its databases, not a client login.
    if (forcedUsers.has(user.name)) continue;
    if (USER_POOL_PARAMS.some((name) => user.params.has(name) && isAvailable('users', name))) {
      usersWithPools.push(user);
    }
  }
  const targetKey = `${context.target.label} ${context.target.unreleased}`;
  const inputs: PoolInputs = {
    isAvailable,
    overrides,
    users,
    defaultPoolSize,
    globalReserve,
    globalMin,
    globalDbCap,
    globalUserCap,
  };
  // Without [users] entries and overrides, a database's pool depends only on it and on these:
  // a database unchanged since the last analysis keeps its pool (see memoOf).
  const keptPoolKey =
    overrides.size === 0 && users.size === 0
      ? sharedKey(
          [
            targetKey,
            defaultPoolSize.value,
            globalReserve.value,
            globalMin.value,
            globalDbCap.value,
            globalUserCap.value,
          ].join(' '),
        )
      : null;
  const databases = context.databases;
  for (let i = 0; i < databases.length; i++) {
    const database = databases[i];
    if (!usable(database)) continue;
    const memo = keptPoolKey === null ? null : memoOf(database.connString);
    if (memo !== null) {
      const kept = memo.pool as Pool | undefined;
      if (kept !== undefined && kept.database === database && memo.poolKey === keptPoolKey) {
        pools.push(kept);
        continue;
      }
    }
    let dbSize: Valued | null;
    let dbReserve: Valued | null;
    let dbMin: Valued | null;
    let dbCap: Valued | null;
    const valuesMemo = overrides.size === 0 ? memoOf(database.connString) : null;
    if (valuesMemo !== null) {
      // Thousands of databases, most unchanged since the last analysis: their values are kept.
      const values = keptPoolValues(valuesMemo, database, isAvailable, targetKey);
      dbSize = values.size;
      dbReserve = values.reserve;
      dbMin = values.min;
      dbCap = values.cap;
    } else if (overrides.size === 0) {
      dbSize = databaseValued(isAvailable, database, POOL_SIZE);
      dbReserve = databaseValued(isAvailable, database, DATABASE_RESERVE);
      dbMin = databaseValued(isAvailable, database, MIN_POOL_SIZE);
      dbCap = databaseValued(isAvailable, database, MAX_DB_CONNECTIONS);
    } else {
      dbSize = paramValue(isAvailable, database, 'database', POOL_SIZE, overrides);
      dbReserve = paramValue(isAvailable, database, 'database', DATABASE_RESERVE, overrides);
      dbMin = paramValue(isAvailable, database, 'database', MIN_POOL_SIZE, overrides);
      dbCap = paramValue(isAvailable, database, 'database', MAX_DB_CONNECTIONS, overrides);
    }
    const forcedUser = database.params.get('user')?.value;
    const pool =
      forcedUser !== undefined
        ? makePool(inputs, database, dbSize, dbReserve, dbMin, dbCap, forcedUser, true, true)
        : makePool(inputs, database, dbSize, dbReserve, dbMin, dbCap, null, false, true);
    pools.push(pool);
    if (memo !== null) {
      memo.pool = pool;
      memo.poolKey = keptPoolKey;
    }
    if (forcedUser !== undefined) continue;
    for (const user of usersWithPools) {
      pools.push(makePool(inputs, database, dbSize, dbReserve, dbMin, dbCap, user.name, false, false));
    }
  }
  return {
    context,
    overrides,
    pools,
    reserveTimeout,
    reserveEnabled,
    zeroIsUnlimited: availableIn(UNLIMITED_POOL_SINCE, context.target),
    maxClientConn,
    defaultPoolSize,
    globalReserve,
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers of one pool.

/** Most server connections the pool size allows (Infinity: no limit). */
export function sizeLimit(model: PoolModel, pool: Pool): number {
  if (pool.size.value > 0) return pool.size.value;
  return model.zeroIsUnlimited ? Infinity : 0;
}

/** Reserve connections the pool can really take. */
export function usableReserve(model: PoolModel, pool: Pool): number {
  return model.reserveEnabled && pool.reserve.value > 0 ? pool.reserve.value : 0;
}

/** Pool size plus usable reserve, before the database and user caps. */
export function poolCapacity(model: PoolModel, pool: Pool): number {
  return sizeLimit(model, pool) + usableReserve(model, pool);
}

/** Most server connections this one pool can ever hold: its capacity under both caps. */
export function poolLimit(model: PoolModel, pool: Pool): number {
  return Math.min(poolCapacity(model, pool), pool.dbCap?.value ?? Infinity, pool.userCap?.value ?? Infinity);
}

/** Server connections PgBouncer keeps open in the pool because of min_pool_size. */
export function effectiveMin(model: PoolModel, pool: Pool): number {
  const size = sizeLimit(model, pool);
  if (!Number.isFinite(size) || size <= 0) return 0;
  return Math.max(0, Math.min(pool.min.value, size));
}

// ---------------------------------------------------------------------------------------------
// Server connections per database and per PostgreSQL server.

export interface DatabaseLoad {
  entry: ConnectionEntry;
  /** Most server connections the database's counted pool(s) may open, under max_db_connections. */
  limit: number;
  /** The cap that makes `limit` lower than the pools' own sizes, if one does. */
  cappedBy: Valued | null;
  forcedUser: string | null;
  userCap: Valued | null;
}

export interface ServerGroup {
  /** host:port as written, for grouping. */
  key: string;
  label: string;
  databases: DatabaseLoad[];
  total: number;
}

/** Loads of each model, computed once: the server groups and the file estimate both need them. */
const loadsByModel = new WeakMap<PoolModel, readonly DatabaseLoad[]>();

function databaseLoads(model: PoolModel): readonly DatabaseLoad[] {
  let loads = loadsByModel.get(model);
  if (!loads) loadsByModel.set(model, (loads = computeDatabaseLoads(model)));
  return loads;
}

function computeDatabaseLoads(model: PoolModel): DatabaseLoad[] {
  const loads: DatabaseLoad[] = [];
  // The only settings of the model a load depends on besides its pool (which may be kept).
  const key = (model.reserveEnabled ? 1 : 0) + (model.zeroIsUnlimited ? 2 : 0);
  const pools = model.pools;
  for (let i = 0; i < pools.length; i++) {
    const pool = pools[i];
    if (!pool.counted || pool.database.name === FALLBACK_DATABASE) continue;
    if (pool.load !== null && pool.loadKey === key) {
      loads.push(pool.load);
      continue;
    }
    const capacity = Math.min(poolCapacity(model, pool), pool.userCap?.value ?? Infinity);
    const cap = pool.dbCap?.value ?? Infinity;
    const load: DatabaseLoad = {
      entry: pool.database,
      limit: Math.min(capacity, cap),
      cappedBy: cap < capacity ? pool.dbCap : null,
      forcedUser: pool.forced ? pool.user : null,
      userCap: pool.userCap,
    };
    pool.load = load;
    pool.loadKey = key;
    loads.push(load);
  }
  return loads;
}

/** Total of some databases: forced users' max_user_connections caps their databases together. */
export function totalOf(loads: readonly DatabaseLoad[]): number {
  let total = 0;
  const byUser = new Map<string, { sum: number; cap: number }>();
  for (const load of loads) {
    if (load.forcedUser === null) {
      total += load.limit;
      continue;
    }
    const group = byUser.get(load.forcedUser) ?? { sum: 0, cap: load.userCap?.value ?? Infinity };
    group.sum += load.limit;
    byUser.set(load.forcedUser, group);
  }
  for (const group of byUser.values()) total += Math.min(group.sum, group.cap);
  return total;
}

const DEFAULT_PORT = Number(setting('databases', 'port')?.default ?? 5432);

interface Server {
  host: string;
  /** Host names are case-insensitive. */
  hostKey: string;
  port: number;
}

const sharedKeys = new Map<string, string>();

/** One string object per text, for keys thousands of objects hold (found again by identity). */
function sharedKey(key: string): string {
  const shared = sharedKeys.get(key);
  if (shared !== undefined) return shared;
  if (sharedKeys.size > 10_000) sharedKeys.clear();
  sharedKeys.set(key, key);
  return key;
}

/** The server of a database whose connection string a cache keeps: worked out once, kept with it. */
function keptServerOf(entry: ConnectionEntry, memo: ConnStringMemo): Server {
  let server = memo.server as Server | undefined;
  if (server === undefined) {
    const host = hostOf(entry);
    memo.server = server = { host, hostKey: hostKeyOf(host), port: portOf(entry) };
  }
  return server;
}

function hostOf(entry: ConnectionEntry): string {
  return entry.params.value('host') ?? '';
}

function portOf(entry: ConnectionEntry): number {
  const port = entry.params.value('port');
  return port !== undefined ? atoiValue(port) : DEFAULT_PORT;
}

const hostKeys = new Map<string, string>();

/** Host names are case-insensitive; thousands of databases share a few: one key string each. */
function hostKeyOf(host: string): string {
  let key = hostKeys.get(host);
  if (key === undefined) {
    key = sharedKey(host.toLowerCase());
    if (hostKeys.size > 10_000) hostKeys.clear();
    hostKeys.set(host, key);
  }
  return key;
}

/** The databases PgBouncer sends to each PostgreSQL server (host and port), in file order. */
export function serverGroups(model: PoolModel): ServerGroup[] {
  const groups = new Map<string, ServerGroup>();
  // By host, then port: no "host:port" string is built for each of thousands of databases.
  const byHost = new Map<string, Map<number, ServerGroup>>();
  const loads = databaseLoads(model);
  for (let i = 0; i < loads.length; i++) {
    const load = loads[i];
    // Kept with the connection string when a cache keeps it; otherwise read without an object.
    const memo = memoOf(load.entry.connString);
    const kept = memo === null ? null : keptServerOf(load.entry, memo);
    const host = kept ? kept.host : hostOf(load.entry);
    const hostKey = kept ? kept.hostKey : hostKeyOf(host);
    const port = kept ? kept.port : portOf(load.entry);
    let byPort = byHost.get(hostKey);
    if (!byPort) byHost.set(hostKey, (byPort = new Map()));
    let group = byPort.get(port);
    if (!group) {
      const key = `${hostKey}:${port}`;
      const label = host === '' ? `the local Unix socket (port ${port})` : `${host}:${port}`;
      group = groups.get(key);
      if (!group) groups.set(key, (group = { key, label, databases: [], total: 0 }));
      byPort.set(port, group);
    }
    group.databases.push(load);
  }
  for (const group of groups.values()) group.total = totalOf(group.databases);
  return [...groups.values()];
}

// ---------------------------------------------------------------------------------------------
// What each pool sizing rule reports, as data.

export interface MinProblem {
  kind: 'capped' | 'never';
  anchor: Source;
  min: Valued;
  size: Valued;
  databases: string[];
}

/** Appends `name` to `list` unless `seen` (the set of the list's names) has it. */
function addOnce(list: string[], seen: Set<string> | undefined, name: string): void {
  if (seen ? seen.has(name) : list.includes(name)) return;
  list.push(name);
  seen?.add(name);
}

/** min_pool_size above the pool size (capped by PgBouncer), or with a pool size of 0 (never applied). */
export function minProblems(model: PoolModel): MinProblem[] {
  const found = new Map<string, MinProblem>();
  // The names each problem lists, as sets: a problem can span thousands of pools.
  const listed = new Map<MinProblem, Set<string>>();
  for (const pool of model.pools) {
    if (pool.min.value <= 0) continue;
    const size = sizeLimit(model, pool);
    let kind: MinProblem['kind'];
    if (!Number.isFinite(size) || size <= 0) kind = 'never';
    else if (pool.min.value > size) kind = 'capped';
    else continue;
    const anchor =
      pool.min.source.level === 'database' || pool.size.source.level === 'global'
        ? pool.min.source
        : pool.size.source;
    const key = [
      kind,
      sourceKey(anchor),
      sourceKey(pool.min.source),
      pool.min.value,
      sourceKey(pool.size.source),
      pool.size.value,
    ].join('|');
    const problem = found.get(key);
    if (problem) {
      addOnce(problem.databases, listed.get(problem), pool.database.name);
    } else {
      const made: MinProblem = {
        kind,
        anchor,
        min: pool.min,
        size: pool.size,
        databases: [pool.database.name],
      };
      found.set(key, made);
      listed.set(made, new Set(made.databases));
    }
  }
  return [...found.values()];
}

export interface CapProblem {
  /** 'pool': the cap is below the pool size; 'reserve': only part of the reserve fits under it. */
  kind: 'pool' | 'reserve';
  capKind: 'database' | 'user';
  cap: Valued;
  size: Valued;
  reserve: Valued;
  /** Reserve connections that count (0 when reserve_pool_timeout is 0). */
  reserveUsed: number;
  databases: string[];
  users: string[];
}

/** Pools whose size plus reserve can never be reached because max_db_connections or max_user_connections is lower. */
export function capProblems(model: PoolModel): CapProblem[] {
  const found = new Map<string, CapProblem>();
  const listed = new Map<CapProblem, { databases: Set<string>; users: Set<string> }>();
  for (const pool of model.pools) {
    const size = sizeLimit(model, pool);
    if (!Number.isFinite(size)) continue; // an unlimited pool is meant to be bounded by the caps
    const reserve = usableReserve(model, pool);
    // Most pools have no cap below their size: nothing is made for them.
    const dbCapBites = pool.dbCap !== null && pool.dbCap.value < size + reserve;
    const userCapBites = pool.userCap !== null && pool.userCap.value < size + reserve;
    if (!dbCapBites && !userCapBites) continue;
    for (const [capKind, cap] of [
      ['database', pool.dbCap],
      ['user', pool.userCap],
    ] as const) {
      if (!cap || cap.value >= size + reserve) continue;
      const kind = cap.value < size ? 'pool' : 'reserve';
      const key = [
        kind,
        sourceKey(cap.source),
        sourceKey(pool.size.source),
        pool.size.value,
        sourceKey(pool.reserve.source),
        reserve,
      ].join('|');
      const problem = found.get(key);
      if (problem) {
        const names = listed.get(problem);
        addOnce(problem.databases, names?.databases, pool.database.name);
        if (pool.user !== null) addOnce(problem.users, names?.users, pool.user);
      } else {
        const made: CapProblem = {
          kind,
          capKind,
          cap,
          size: pool.size,
          reserve: pool.reserve,
          reserveUsed: reserve,
          databases: [pool.database.name],
          users: pool.user === null ? [] : [pool.user],
        };
        found.set(key, made);
        listed.set(made, { databases: new Set(made.databases), users: new Set(made.users) });
      }
    }
  }
  return [...found.values()];
}

/** Connections an ordinary role may open on a PostgreSQL server with this max_connections. */
export function postgresAvailable(options: RuleOptions): number {
  return Math.max(0, options.postgresMaxConnections - SUPERUSER_RESERVED_CONNECTIONS);
}

export function serverProblems(model: PoolModel, options: RuleOptions): ServerGroup[] {
  return serverGroups(model).filter((group) => group.total > postgresAvailable(options));
}

export interface FileEstimate {
  clients: number;
  servers: number;
  total: number;
  /** Some pool has no size limit: its server connections were counted as one per client. */
  unlimited: boolean;
}

/** File descriptors PgBouncer may need: every client and server connection, plus a few files. */
export function fileEstimate(model: PoolModel): FileEstimate {
  const clients = Math.max(0, model.maxClientConn.value);
  const loads = databaseLoads(model);
  const all = totalOf(loads);
  let servers = all;
  const unlimited = !Number.isFinite(all);
  if (unlimited) {
    // An unlimited pool grows with its clients: at most one server connection per client on top of the limited pools.
    servers = totalOf(loads.filter((load) => Number.isFinite(load.limit))) + clients;
  }
  return { clients, servers, total: clients + servers + OTHER_FILES, unlimited };
}

export function fileProblems(model: PoolModel, options: RuleOptions): FileEstimate[] {
  const estimate = fileEstimate(model);
  return estimate.total > options.fileDescriptorLimit ? [estimate] : [];
}

/** Reserve sizes above 0 that never take effect because reserve_pool_timeout is 0. */
export function deadReserves(model: PoolModel): Valued[] {
  if (model.reserveEnabled) return [];
  const found = new Map<string, Valued>();
  for (const pool of model.pools) {
    if (pool.reserve.value > 0 && sizeLimit(model, pool) !== Infinity)
      found.set(sourceKey(pool.reserve.source), pool.reserve);
  }
  return [...found.values()];
}

export interface ScopeProblem {
  cap: Valued;
  databases: { name: string; forcedUser: string | null; largestPool: number; largest: Pool }[];
}

/**
 * max_db_connections values that one pool can never reach: they only matter when several users
 * share a database, and never for a database with a forced user.
 */
export function scopeProblems(model: PoolModel): ScopeProblem[] {
  const byCap = new Map<string, { cap: Valued; pools: Pool[] }>();
  for (const pool of model.pools) {
    if (!pool.dbCap) continue;
    const key = sourceKey(pool.dbCap.source);
    const group = byCap.get(key) ?? { cap: pool.dbCap, pools: [] };
    group.pools.push(pool);
    byCap.set(key, group);
  }
  const problems: ScopeProblem[] = [];
  for (const { cap, pools } of byCap.values()) {
    const databases = new Map<string, ScopeProblem['databases'][number]>();
    let reachable = false;
    for (const pool of pools) {
      const largest = Math.min(poolCapacity(model, pool), pool.userCap?.value ?? Infinity);
      if (largest >= cap.value) reachable = true;
      const known = databases.get(pool.database.name);
      if (!known || largest > known.largestPool) {
        databases.set(pool.database.name, {
          name: pool.database.name,
          forcedUser: pool.forced ? pool.user : null,
          largestPool: largest,
          largest: pool,
        });
      }
    }
    if (!reachable && databases.size > 0) problems.push({ cap, databases: [...databases.values()] });
  }
  return problems;
}

/** How many findings each pool sizing rule would report on this model. */
export function problemCounts(model: PoolModel, options: RuleOptions): Map<string, number> {
  return new Map([
    ['min-pool-above-default', minProblems(model).length],
    ['pool-exceeds-connection-limit', capProblems(model).length],
    ['pools-exceed-postgres-max-connections', serverProblems(model, options).length],
    ['max-client-conn-fd-limit', fileProblems(model, options).length],
    ['reserve-pool-without-timeout', deadReserves(model).length > 0 ? 1 : 0],
    ['max-db-connections-scope', scopeProblems(model).length],
  ]);
}

/** What PgBouncer does with every pool: the connections it may hold and keeps open. */
function behaviour(model: PoolModel): string {
  return model.pools.map((pool) => `${poolLimit(model, pool)}/${effectiveMin(model, pool)}`).join(',');
}

// ---------------------------------------------------------------------------------------------
// Anchors, descriptions and fixes.

export function anchorOf(context: RuleContext, source: Source): { file: LoadedFile; span: Span } | null {
  if (source.level === 'global') return context.anchor(source.name);
  if (!source.owner) return null;
  if (source.param) return { file: source.owner.at.file, span: source.param.valueSpan };
  return context.databaseAnchor(source.owner);
}

/** "default_pool_size = 20", "pool_size=30 of database 'billing'", "pool_size=5 of user 'etl'". */
export function describe(valued: Valued): string {
  const { source, value } = valued;
  if (source.level === 'global') return `${source.name} = ${value}`;
  return `${source.name}=${value} of ${source.level} '${source.owner?.name ?? ''}'`;
}

/** 'a', 'b' and 'c' (at most `max` names, then "and N more"). */
export function nameList(names: readonly string[], max = 4): string {
  const quoted = names.map((name) => `'${name}'`);
  if (quoted.length <= max) {
    return quoted.length <= 1
      ? (quoted[0] ?? '')
      : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
  }
  return `${quoted.slice(0, max).join(', ')} and ${quoted.length - max} more`;
}

export interface Change {
  source: Source;
  value: number;
}

function changeEdit(context: RuleContext, change: Change): TextEdit | null {
  const { source, value } = change;
  if (source.level === 'global') {
    // Only the edit is taken; poolFix decides the class.
    const fix = context.setValue(source.name, String(value), { kind: 'suggestion' });
    return fix && fix.edits.length === 1 ? fix.edits[0] : null;
  }
  const owner = source.owner;
  if (!owner || owner.at.file !== context.root) return null;
  if (source.param) return replace(owner.at.file, source.param.valueSpan, String(value));
  const end = owner.at.entry.value.span.end;
  return replace(owner.at.file, { start: end, end }, ` ${source.name}=${value}`);
}

/** Pools that fix searches may build and check, in all, per model (see tryChanges). */
const FIX_WORK_BUDGET = 500_000;
const fixWork = new WeakMap<PoolModel, number>();
/** The problem counts and behaviour of each model fixes are tried on, worked out once. */
const countsBefore = new WeakMap<PoolModel, Map<string, number>>();
const behaviours = new WeakMap<PoolModel, string>();

function tryChanges(
  model: PoolModel,
  rule: string,
  changes: readonly Change[],
  preserve: boolean,
): Fix | null {
  const context = model.context;
  const edits: TextEdit[] = [];
  const overrides = new Map(model.overrides);
  for (const change of changes) {
    const edit = changeEdit(context, change);
    if (!edit) return null;
    edits.push(edit);
    overrides.set(sourceKey(change.source), change.value);
  }
  // Each try builds and checks a whole model: thousands of problems in a large configuration
  // would make the lint quadratic. Past the budget, findings come without fixes.
  // A try builds a model and counts its problems and its behaviour: about four passes over the pools.
  const spent = (fixWork.get(model) ?? 0) + 4 * model.pools.length;
  fixWork.set(model, spent);
  if (spent > FIX_WORK_BUDGET) return null;
  const after = buildPoolModel(context, overrides);
  if (!after) return null;
  let before = countsBefore.get(model);
  if (!before) countsBefore.set(model, (before = problemCounts(model, context.options)));
  const counts = problemCounts(after, context.options);
  for (const [id, count] of counts) if (count > (before.get(id) ?? 0)) return null;
  if ((counts.get(rule) ?? 0) >= (before.get(rule) ?? 0)) return null;
  let behaviourBefore = behaviours.get(model);
  if (!preserve) behaviourBefore = '';
  else if (behaviourBefore === undefined) behaviours.set(model, (behaviourBefore = behaviour(model)));
  // Without `preserve` the change is the rule's advice; with it, sizes that change behaviour are
  // the operator's to choose.
  const kind: FixKind = !preserve
    ? 'recommended'
    : behaviour(after) === behaviourBefore
      ? 'safe'
      : 'suggestion';
  return { title: changeTitle(changes), kind, edits: mergeInsertions(edits) };
}

/** Parameters added to the same entry become one insertion. */
function mergeInsertions(edits: readonly TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  for (const edit of edits) {
    const same = merged.find(
      (other) =>
        other.file === edit.file &&
        other.span.start === other.span.end &&
        edit.span.start === edit.span.end &&
        other.span.start === edit.span.start,
    );
    if (same) same.newText += edit.newText;
    else merged.push({ ...edit });
  }
  return merged;
}

/**
 * The fix for a finding, from candidate sets of changes tried in order on the pools: only ones
 * that remove a finding of `rule` and add none of any pool sizing rule are offered. With
 * `preserve`, a fix is safe only when no pool behaves differently afterwards (the configuration
 * then says what PgBouncer already does), else a suggestion; without it, recommended. The first
 * safe candidate wins, else the first one.
 * Global changes are also tried as parameters of the databases concerned, which leaves the
 * other databases alone.
 */
export function poolFix(
  model: PoolModel,
  rule: string,
  candidates: readonly (readonly Change[])[],
  options: { preserve: boolean; databases?: readonly string[]; title?: string },
): Fix | null {
  const all: (readonly Change[])[] = [];
  for (const changes of candidates) {
    all.push(changes);
    const local = options.databases ? localize(model, changes, options.databases) : null;
    if (local) all.push(local);
  }
  let fallback: Fix | null = null;
  for (const changes of all) {
    const fix = tryChanges(model, rule, changes, options.preserve);
    if (!fix) continue;
    if (options.title) fix.title = options.title;
    if (fix.kind === 'safe') return fix;
    fallback ??= fix;
  }
  return fallback;
}

/** The [databases] parameter that overrides a global setting, in the target version. */
function databaseParamFor(context: RuleContext, name: string): string | null {
  const candidates: Record<string, string[]> = {
    default_pool_size: ['pool_size'],
    reserve_pool_size: ['reserve_pool_size', 'reserve_pool'],
    min_pool_size: ['min_pool_size'],
    max_db_connections: ['max_db_connections'],
  };
  return (candidates[name] ?? []).find((param) => available('databases', param, context)) ?? null;
}

/** The same changes with global settings replaced by parameters of the given databases. */
function localize(
  model: PoolModel,
  changes: readonly Change[],
  databases: readonly string[],
): Change[] | null {
  if (!changes.some((change) => change.source.level === 'global')) return null;
  const local: Change[] = [];
  for (const change of changes) {
    if (change.source.level !== 'global') {
      local.push(change);
      continue;
    }
    const param = databaseParamFor(model.context, change.source.canonical);
    if (!param) return null;
    for (const name of databases) {
      const database = model.context.database(name);
      if (!database) return null;
      const source = newDatabaseParam(database, param);
      source.canonical =
        change.source.canonical === 'default_pool_size' ? 'pool_size' : change.source.canonical;
      local.push({ source, value: change.value });
    }
  }
  return local;
}

/** "Set reserve_pool_size = 2", "Set pool_size=20 reserve_pool=0 on database 'big'". */
export function changeTitle(changes: readonly Change[]): string {
  const global: string[] = [];
  const owned = new Map<string, string[]>();
  for (const { source, value } of changes) {
    if (source.level === 'global') {
      global.push(`${source.name} = ${value}`);
      continue;
    }
    const owner = `${source.level} '${source.owner?.name ?? ''}'`;
    const list = owned.get(owner) ?? [];
    list.push(`${source.name}=${value}`);
    owned.set(owner, list);
  }
  const parts = [...global];
  for (const [owner, list] of owned) parts.push(`${list.join(' ')} on ${owner}`);
  return `Set ${parts.join('; ')}`;
}

/** A source for a database parameter a fix would add. */
export function newDatabaseParam(database: ConnectionEntry, name: string): Source {
  return { level: 'database', name, canonical: name, owner: database };
}

export function isAvailable(context: RuleContext, section: SectionName, name: string): boolean {
  return available(section, name, context);
}
