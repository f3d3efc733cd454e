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

import { availableIn, setting } from '../catalog/catalog';
import type { SectionName, Version } from '../catalog/catalog';
import { atoiValue, readAtoi, readCInt, readCTime } from '../catalog/values';
import { intern } from '../incremental/intern';
import { SideTable } from '../incremental/side-table';
import { CachePart } from '../incremental/document-cache';
import type { DocumentCache } from '../incremental/document-cache';
import { collectOnce, eachChanged, KeptSelections, selectOnce } from '../incremental/kept-selections';
import { isRetained, lastParamIndex, paramAt, paramValueAt } from '../syntax/connstring';
import type { ConnParam, ConnString } from '../syntax/connstring';
import type { ConnectionEntry, EffectiveConfig } from './effective';

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

/**
 * What pools are made of: the databases and users in force and the [pgbouncer] numbers, as PgBouncer
 * reads them. The rules' context is one (it records what a rule reads); poolConfigOf makes one from
 * an effective configuration.
 */
export interface PoolConfig {
  target: Version;
  databases: readonly ConnectionEntry[];
  users: readonly ConnectionEntry[];
  /** A [pgbouncer] integer as PgBouncer reads it, or null when it cannot be read. */
  int(name: string): number | null;
  /** A [pgbouncer] time in seconds as PgBouncer stores it, or null. */
  seconds(name: string): number | null;
  /** The document's cache (none in the CLI): a model of it keeps what an edit did not change there. */
  cache?: DocumentCache;
}

/** Facts about the deployment the file does not say (editor settings, .pgbouncerlintrc.json). */
export interface DeploymentLimits {
  /** max_connections of the PostgreSQL servers behind PgBouncer. */
  postgresMaxConnections: number;
  /** Open-files limit (ulimit -n) PgBouncer runs with. */
  fileDescriptorLimit: number;
}

/** The pool inputs of an effective configuration (for features; rules pass their context). */
export function poolConfigOf(effective: EffectiveConfig): PoolConfig {
  const int = (name: string): number | null => {
    const reading = readCInt(effective.value(name));
    return reading.ok ? reading.stored : null;
  };
  // What PgBouncer stores: a time too large for its microsecond clock is 0.
  const seconds = (name: string): number | null => {
    const reading = readCTime(effective.value(name));
    return reading.ok ? reading.stored : null;
  };
  return {
    target: effective.target,
    databases: effective.databaseList,
    users: [...effective.users.values()],
    int,
    seconds,
    cache: effective.documentCache,
  };
}

export interface PoolModel {
  config: PoolConfig;
  overrides: Overrides;
  pools: readonly Pool[];
  reserveTimeout: Valued;
  /** False when reserve_pool_timeout is 0: no pool ever takes reserve connections. */
  reserveEnabled: boolean;
  /** Pool size 0 means no limit (1.24+). */
  zeroIsUnlimited: boolean;
  maxClientConn: Valued;
  defaultPoolSize: Valued;
  globalReserve: Valued;
  /** What the document keeps for its next model (see PoolMemory); null when nothing is kept. */
  memory: PoolMemory | null;
}

/**
 * What a document's pool model keeps for the next one, while no [users] entry and no override is
 * in play (then a database's pool depends on it and the global numbers alone): the pools by
 * database, the pools each problem looks at, the loads, and the sums over them. An edit then costs
 * what it changed, whatever the number of databases or servers.
 */
interface PoolMemory {
  /** The model these are up to date with (a model of an earlier analysis uses none of it). */
  model: PoolModel | null;
  poolsOfDatabases: KeptSelections<ConnectionEntry>;
  ofPools: KeptSelections<Pool>;
  sums: KeptSums | null;
}

const POOL_MEMORY = new CachePart<PoolMemory>('model: the pools of the databases, and their sums', () => ({
  model: null,
  poolsOfDatabases: new KeptSelections(),
  ofPools: new KeptSelections(),
  sums: null,
}));

/** The model's pools that pass `test`, which depends on the pool and on `key` (the model values it reads) alone. */
function poolsWhere(model: PoolModel, key: string, test: (pool: Pool) => boolean): readonly Pool[] {
  const memory = model.memory;
  return memory && memory.model === model
    ? memory.ofPools.select(model.pools, key, test)
    : selectOnce(model.pools, test);
}

export function sourceKey(source: Source): string {
  return source.level === 'global'
    ? `global:${source.canonical}`
    : `${source.level}:${source.owner?.name ?? ''}:${source.canonical}`;
}

/** Whether the target version knows the parameter or setting. */
export function available(section: SectionName, name: string, target: Version): boolean {
  const known = setting(section, name);
  return known !== undefined && availableIn(known.addedIn, target);
}

/** The parameter names of a pool model, available in the target or not, looked up once per model. */
function availability(target: Version): (section: SectionName, name: string) => boolean {
  const known = new Map<SectionName, Map<string, boolean>>();
  return (section, name) => {
    let inSection = known.get(section);
    if (!inSection) known.set(section, (inSection = new Map()));
    let value = inSection.get(name);
    if (value === undefined) inSection.set(name, (value = available(section, name, target)));
    return value;
  };
}

function globalValue(config: PoolConfig, name: string, overrides: Overrides): Valued | null {
  const source: Source = { level: 'global', name, canonical: name };
  const override = overrides.get(sourceKey(source));
  if (override !== undefined) return { value: override, source };
  const value = name === 'reserve_pool_timeout' ? config.seconds(name) : config.int(name);
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

/** A database's own pool values. */
interface DatabasePoolValues {
  size: Valued | null;
  reserve: Valued | null;
  min: Valued | null;
  cap: Valued | null;
}

/** What the pool model keeps of a connection string a document keeps (see isRetained). */
/** What a database's connection string keeps for the next analysis (all fields made at once: one shape). */
class KeptPool {
  /** The database's values, and what they were read for (the entry, and the target: availability depends on it). */
  values: DatabasePoolValues | undefined = undefined;
  valuesOwner: ConnectionEntry | undefined = undefined;
  valuesTarget: string | undefined = undefined;
  /** The database's pool, and the global settings it was made with (see poolKey). */
  pool: Pool | undefined = undefined;
  poolKey: string | undefined = undefined;
  /** Its PostgreSQL server. */
  server: Server | undefined = undefined;
}

const keptPools = new SideTable<ConnString, KeptPool>('model: the pool of a database');

function keptOf(connString: ConnString): KeptPool | null {
  if (!isRetained(connString)) return null;
  let kept = keptPools.get(connString);
  if (kept === undefined) keptPools.set(connString, (kept = new KeptPool()));
  return kept;
}

/**
 * A database's pool values, with the overrides a fix is tried with when some are about entries
 * (`overridesEntries`); kept for the next analysis otherwise (they depend on the entry alone).
 */
function databaseValues(
  isAvailable: (section: SectionName, name: string) => boolean,
  database: ConnectionEntry,
  overrides: Overrides,
  overridesEntries: boolean,
  targetKey: string,
): DatabasePoolValues {
  if (overridesEntries) {
    return {
      size: paramValue(isAvailable, database, 'database', POOL_SIZE, overrides),
      reserve: paramValue(isAvailable, database, 'database', DATABASE_RESERVE, overrides),
      min: paramValue(isAvailable, database, 'database', MIN_POOL_SIZE, overrides),
      cap: paramValue(isAvailable, database, 'database', MAX_DB_CONNECTIONS, overrides),
    };
  }
  // Thousands of databases, most unchanged since the last analysis: their values are kept.
  const kept = keptOf(database.connString);
  if (kept?.values && kept.valuesOwner === database && kept.valuesTarget === targetKey) return kept.values;
  const values: DatabasePoolValues = {
    size: databaseValued(isAvailable, database, POOL_SIZE),
    reserve: databaseValued(isAvailable, database, DATABASE_RESERVE),
    min: databaseValued(isAvailable, database, MIN_POOL_SIZE),
    cap: databaseValued(isAvailable, database, MAX_DB_CONNECTIONS),
  };
  if (kept) {
    kept.values = values;
    kept.valuesOwner = database;
    kept.valuesTarget = targetKey;
  }
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
  own: DatabasePoolValues,
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
    size: pick(userSize, own.size) ?? inputs.defaultPoolSize,
    reserve: pick(userReserve, own.reserve) ?? inputs.globalReserve,
    min: pick(own.min, null) ?? inputs.globalMin,
    dbCap: pickCap(own.cap, inputs.globalDbCap),
    userCap: pickCap(userCap, inputs.globalUserCap),
    counted,
    load: null,
    loadKey: -1,
  };
}

/**
 * The pools of a configuration, or null when a setting they depend on cannot be read. With
 * overrides, the pools the configuration would have with those values (a fix being tried).
 */
export function buildPoolModel(config: PoolConfig, overrides: Overrides = NO_OVERRIDES): PoolModel | null {
  const isAvailable = availability(config.target);
  const defaultPoolSize = globalValue(config, 'default_pool_size', overrides);
  const globalReserve = globalValue(config, 'reserve_pool_size', overrides);
  const globalMin = globalValue(config, 'min_pool_size', overrides);
  const globalDbCap = globalValue(config, 'max_db_connections', overrides);
  const globalUserCap = globalValue(config, 'max_user_connections', overrides);
  const reserveTimeout = globalValue(config, 'reserve_pool_timeout', overrides);
  const maxClientConn = globalValue(config, 'max_client_conn', overrides);
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
  for (const user of config.users) if (usable(user)) users.set(user.name, user);
  const forcedUsers = new Set<string>();
  // (only [users] entries are checked against them: no pass over thousands of databases without)
  if (users.size > 0) {
    for (const database of config.databases) {
      const user = usable(database) ? database.params.get('user')?.value : undefined;
      if (user !== undefined) forcedUsers.add(user);
    }
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
  const targetKey = `${config.target.label} ${config.target.unreleased}`;
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
  // Without [users] entries, a database's pool depends only on it and on these: a database
  // unchanged since the last analysis keeps its pool. So does a model a fix is tried on that
  // changes only [pgbouncer] settings (the pools it makes with other values are not kept).
  const overridesEntries = [...overrides.keys()].some((key) => !key.startsWith('global:'));
  const keptPoolKey =
    !overridesEntries && users.size === 0
      ? intern(
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
  const databases = config.databases;
  /** The database's own pool: its forced user's, or that of any user without a pool of their own. */
  const databasePool = (database: ConnectionEntry): Pool => {
    const kept = keptPoolKey === null ? null : keptOf(database.connString);
    if (kept?.pool !== undefined && kept.pool.database === database && kept.poolKey === keptPoolKey) {
      return kept.pool;
    }
    const own = databaseValues(isAvailable, database, overrides, overridesEntries, targetKey);
    const forcedUser = database.params.get('user')?.value;
    const pool =
      forcedUser !== undefined
        ? makePool(inputs, database, own, forcedUser, true, true)
        : makePool(inputs, database, own, null, false, true);
    if (kept && overrides.size === 0) {
      kept.pool = pool;
      kept.poolKey = keptPoolKey ?? undefined;
    }
    return pool;
  };
  // Kept by the document while each database has one pool made from it and the global numbers.
  const memory =
    keptPoolKey !== null && overrides.size === 0 && config.cache ? config.cache.part(POOL_MEMORY) : null;
  let pools: readonly Pool[];
  if (memory && keptPoolKey !== null) {
    memory.poolsOfDatabases.next(databases);
    pools = memory.poolsOfDatabases.collect(databases, keptPoolKey, (database) =>
      usable(database) ? databasePool(database) : undefined,
    );
  } else {
    const made: Pool[] = [];
    pools = made;
    for (let i = 0; i < databases.length; i++) {
      const database = databases[i];
      if (!usable(database)) continue;
      const pool = databasePool(database);
      made.push(pool);
      if (pool.forced || usersWithPools.length === 0) continue;
      const own = databaseValues(isAvailable, database, overrides, overridesEntries, targetKey);
      for (const user of usersWithPools) made.push(makePool(inputs, database, own, user.name, false, false));
    }
  }
  const model: PoolModel = {
    config,
    overrides,
    pools,
    reserveTimeout,
    reserveEnabled,
    zeroIsUnlimited: availableIn(UNLIMITED_POOL_SINCE, config.target),
    maxClientConn,
    defaultPoolSize,
    globalReserve,
    memory,
  };
  if (memory) {
    memory.model = model;
    memory.ofPools.next(pools);
  }
  return model;
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
  /** Its PostgreSQL server, once asked for (see serverOf). */
  server?: Server;
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

function computeDatabaseLoads(model: PoolModel): readonly DatabaseLoad[] {
  // The only settings of the model a load depends on besides its pool (which may be kept).
  const key = (model.reserveEnabled ? 1 : 0) + (model.zeroIsUnlimited ? 2 : 0);
  const loadOf = (pool: Pool): DatabaseLoad | undefined =>
    !pool.counted || pool.database.name === FALLBACK_DATABASE ? undefined : poolLoad(model, pool, key);
  const memory = model.memory;
  return memory && memory.model === model
    ? memory.ofPools.collect(model.pools, `loads ${key}`, loadOf)
    : collectOnce(model.pools, loadOf);
}

function poolLoad(model: PoolModel, pool: Pool, key: number): DatabaseLoad {
  if (pool.load !== null && pool.loadKey === key) return pool.load;
  const capacity = Math.min(poolCapacity(model, pool), pool.userCap?.value ?? Infinity);
  const cap = pool.dbCap?.value ?? Infinity;
  const load: DatabaseLoad = {
    entry: pool.database,
    server: undefined,
    limit: Math.min(capacity, cap),
    cappedBy: cap < capacity ? pool.dbCap : null,
    forcedUser: pool.forced ? pool.user : null,
    userCap: pool.userCap,
  };
  pool.load = load;
  pool.loadKey = key;
  return load;
}

/** Total of some databases: forced users' max_user_connections caps their databases together. */
export function totalOf(loads: readonly DatabaseLoad[]): number {
  let total = 0;
  let byUser: Map<string, { sum: number; cap: number }> | null = null;
  for (const load of loads) {
    if (load.forcedUser === null) {
      total += load.limit;
      continue;
    }
    byUser ??= new Map();
    const group = byUser.get(load.forcedUser) ?? { sum: 0, cap: load.userCap?.value ?? Infinity };
    group.sum += load.limit;
    byUser.set(load.forcedUser, group);
  }
  if (byUser) for (const group of byUser.values()) total += Math.min(group.sum, group.cap);
  return total;
}

const DEFAULT_PORT = Number(setting('databases', 'port')?.default ?? 5432);

/**
 * Sums of loads as totalOf adds them (forced users' loads capped together), kept up to date by
 * adding and removing loads. Limits are whole numbers or Infinity; the unlimited ones are counted
 * apart, so that removing one is exact.
 */
class LoadSums {
  /** Loads without a forced user: the finite limits' sum, and how many are unlimited. */
  private plain = 0;
  private plainUnlimited = 0;
  /** Forced users' loads by user: as plain, with how many finite ones and the cap of the user. */
  private forced: Map<string, { sum: number; unlimited: number; finite: number; cap: number }> | null = null;
  count = 0;

  /** Adds the load (sign 1) or takes it away again (sign -1). */
  change(load: DatabaseLoad, sign: 1 | -1): void {
    this.count += sign;
    const finite = Number.isFinite(load.limit);
    if (load.forcedUser === null) {
      if (finite) this.plain += sign * load.limit;
      else this.plainUnlimited += sign;
      return;
    }
    this.forced ??= new Map();
    let group = this.forced.get(load.forcedUser);
    if (group === undefined) {
      // (while a model is kept, every forced user has the global max_user_connections)
      group = { sum: 0, unlimited: 0, finite: 0, cap: load.userCap?.value ?? Infinity };
      this.forced.set(load.forcedUser, group);
    }
    if (finite) {
      group.sum += sign * load.limit;
      group.finite += sign;
    } else group.unlimited += sign;
    if (group.finite === 0 && group.unlimited === 0) this.forced.delete(load.forcedUser);
  }

  /** totalOf the loads. */
  total(): number {
    let total = this.plainUnlimited > 0 ? Infinity : this.plain;
    if (this.forced)
      for (const group of this.forced.values())
        total += Math.min(group.unlimited > 0 ? Infinity : group.sum, group.cap);
    return total;
  }

  /** totalOf the loads with a finite limit. */
  finiteTotal(): number {
    let total = this.plain;
    if (this.forced)
      for (const group of this.forced.values()) if (group.finite > 0) total += Math.min(group.sum, group.cap);
    return total;
  }
}

/** The sums over a kept model's loads: all of them, and per server, with the servers above a limit. */
interface KeptSums {
  loads: readonly DatabaseLoad[];
  all: LoadSums;
  byServer: Map<string, LoadSums>;
  /** The servers whose total is above `available` (none yet asked: -1). */
  over: Set<string>;
  available: number;
}

/** The sums of a model the document keeps, brought up to date with the loads the edit changed. */
function keptSums(model: PoolModel): KeptSums | null {
  const memory = model.memory;
  if (!memory || memory.model !== model) return null;
  const loads = databaseLoads(model);
  // (a first model starts from no loads: all of its loads are added)
  const sums = (memory.sums ??= {
    loads: [],
    all: new LoadSums(),
    byServer: new Map(),
    over: new Set(),
    available: -1,
  });
  if (sums.loads === loads) return sums;
  const change = (load: DatabaseLoad, sign: 1 | -1): void => {
    sums.all.change(load, sign);
    const key = serverKey(hostOf(load.entry), portOf(load.entry));
    let server = sums.byServer.get(key);
    if (server === undefined) sums.byServer.set(key, (server = new LoadSums()));
    server.change(load, sign);
    if (server.count === 0) sums.byServer.delete(key);
    if (sums.available < 0) return;
    if (server.count > 0 && server.total() > sums.available) sums.over.add(key);
    else sums.over.delete(key);
  };
  eachChanged(
    sums.loads,
    loads,
    (load) => change(load, -1),
    (load) => change(load, 1),
  );
  sums.loads = loads;
  return sums;
}

/** The servers of a kept model above `available`, when it has no others (null: not kept). */
function serversOver(model: PoolModel, available: number): ReadonlySet<string> | null {
  const sums = keptSums(model);
  if (sums === null) return null;
  if (sums.available !== available) {
    sums.available = available;
    sums.over = new Set();
    for (const [key, server] of sums.byServer) if (server.total() > available) sums.over.add(key);
  }
  return sums.over;
}

/**
 * A PostgreSQL server (host and port): one object per key, so that databases are tallied on their
 * server without a lookup by key and without an object per server and keystroke (10,000 databases
 * may name 10,000 servers). The tally fields belong to the serverTallies call in progress: its
 * callers read them before anything tallies again, then release them.
 */
interface Server {
  /** host:port with the host in lower case (host names are case-insensitive), for grouping. */
  readonly key: string;
  /** The table it is in (see servers). */
  readonly generation: number;
  /** The serverTallies call the fields below are from. */
  tallied: number;
  /** Its first database, and the others (no list until there is a second). */
  first: DatabaseLoad | null;
  more: DatabaseLoad[] | null;
  /** Sum of the loads without a forced user. */
  plain: number;
  /** Forced users' loads, capped together by their max_user_connections. */
  forced: Map<string, { sum: number; cap: number }> | null;
}

/** Servers by key; a new table once it holds many, between tallies (never during one). */
let servers = new Map<string, Server>();
let serversGeneration = 0;
const MAX_SERVERS = 100_000;
let talliesMade = 0;

/** The host and port a database's connection string names (the port as atoi reads it). */
function hostOf(entry: ConnectionEntry): string {
  return entry.params.value('host') ?? '';
}

function portOf(entry: ConnectionEntry): number {
  const written = entry.params.value('port');
  return written !== undefined ? atoiValue(written) : DEFAULT_PORT;
}

/** host:port, the host in lower case (host names are case-insensitive). */
function serverKey(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

function serverOf(host: string, port: number): Server {
  const key = serverKey(host, port);
  let server = servers.get(key);
  if (server === undefined) {
    server = {
      key: intern(key),
      generation: serversGeneration,
      tallied: -1,
      first: null,
      more: null,
      plain: 0,
      forced: null,
    };
    servers.set(server.key, server);
  }
  return server;
}

/** How messages name a server: the host as its first database writes it. */
function serverLabel(entry: ConnectionEntry): string {
  const host = hostOf(entry);
  const port = portOf(entry);
  return host === '' ? `the local Unix socket (port ${port})` : `${host}:${port}`;
}

function addToTally(server: Server, load: DatabaseLoad): void {
  if (load.forcedUser === null) {
    server.plain += load.limit;
    return;
  }
  server.forced ??= new Map();
  const group = server.forced.get(load.forcedUser) ?? { sum: 0, cap: load.userCap?.value ?? Infinity };
  group.sum += load.limit;
  server.forced.set(load.forcedUser, group);
}

function tallyTotal(server: Server): number {
  let total = server.plain;
  if (server.forced) for (const group of server.forced.values()) total += Math.min(group.sum, group.cap);
  return total;
}

/**
 * The servers PgBouncer sends databases to (host and port), in the order of their first database,
 * with their tallies; the caller reads them, then calls releaseTallies.
 */
function serverTallies(model: PoolModel): Server[] {
  if (servers.size > MAX_SERVERS) {
    servers = new Map();
    serversGeneration++;
  }
  const run = ++talliesMade;
  // For databases whose server is not kept: by host as written, then port, so that no string is
  // made per database (many databases share a few servers).
  const byWrittenHost = new Map<string, Map<number, Server>>();
  const tallied: Server[] = [];
  const loads = databaseLoads(model);
  for (let i = 0; i < loads.length; i++) {
    const load = loads[i];
    let server = load.server;
    if (server === undefined || server.generation !== serversGeneration) {
      const kept = keptOf(load.entry.connString);
      if (kept !== null) {
        if (kept.server === undefined || kept.server.generation !== serversGeneration)
          kept.server = serverOf(hostOf(load.entry), portOf(load.entry));
        server = load.server = kept.server;
      } else {
        const host = hostOf(load.entry);
        const port = portOf(load.entry);
        let byPort = byWrittenHost.get(host);
        if (!byPort) byWrittenHost.set(host, (byPort = new Map()));
        server = byPort.get(port);
        if (!server) byPort.set(port, (server = serverOf(host, port)));
      }
    }
    if (server.tallied !== run) {
      server.tallied = run;
      server.first = load;
      server.more = null;
      server.plain = 0;
      server.forced = null;
      tallied.push(server);
    } else {
      (server.more ??= []).push(load);
    }
    addToTally(server, load);
  }
  return tallied;
}

/** Lets go of what the servers' tallies hold (the loads of an analysis). */
function releaseTallies(tallied: readonly Server[]): void {
  for (const server of tallied) {
    server.first = null;
    server.more = null;
    server.forced = null;
  }
}

/** What a caller keeps of a server's tally: its own copy. */
function groupOf(server: Server, total: number): ServerGroup {
  const first = server.first as DatabaseLoad;
  let label: string | undefined;
  return {
    key: server.key,
    get label() {
      return (label ??= serverLabel(first.entry));
    },
    databases: server.more ? [first, ...server.more] : [first],
    total,
  };
}

/** The databases PgBouncer sends to each PostgreSQL server (host and port), in file order. */
export function serverGroups(model: PoolModel): ServerGroup[] {
  const tallied = serverTallies(model);
  const groups = tallied.map((server) => groupOf(server, tallyTotal(server)));
  releaseTallies(tallied);
  return groups;
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
  const candidates = poolsWhere(model, `min ${model.zeroIsUnlimited}`, (pool) => {
    if (pool.min.value <= 0) return false;
    const size = sizeLimit(model, pool);
    return !Number.isFinite(size) || size <= 0 || pool.min.value > size;
  });
  for (const pool of candidates) {
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
  const candidates = poolsWhere(model, `caps ${model.zeroIsUnlimited} ${model.reserveEnabled}`, (pool) => {
    const size = sizeLimit(model, pool);
    const reserve = usableReserve(model, pool);
    return (
      Number.isFinite(size) &&
      ((pool.dbCap !== null && pool.dbCap.value < size + reserve) ||
        (pool.userCap !== null && pool.userCap.value < size + reserve))
    );
  });
  for (const pool of candidates) {
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
export function postgresAvailable(options: DeploymentLimits): number {
  return Math.max(0, options.postgresMaxConnections - SUPERUSER_RESERVED_CONNECTIONS);
}

/** The servers whose databases may open more connections than PostgreSQL takes. */
export function serverProblems(model: PoolModel, options: DeploymentLimits): ServerGroup[] {
  const available = postgresAvailable(options);
  // Kept sums say whether a server is above the limit without going through every database.
  if (serversOver(model, available)?.size === 0) return [];
  const problems: ServerGroup[] = [];
  const tallied = serverTallies(model);
  for (const server of tallied) {
    const total = tallyTotal(server);
    if (total > available) problems.push(groupOf(server, total));
  }
  releaseTallies(tallied);
  return problems;
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
  const sums = keptSums(model);
  const loads = sums ? [] : databaseLoads(model);
  const all = sums ? sums.all.total() : totalOf(loads);
  let servers = all;
  const unlimited = !Number.isFinite(all);
  if (unlimited) {
    // An unlimited pool grows with its clients: at most one server connection per client on top of the limited pools.
    const limited = sums
      ? sums.all.finiteTotal()
      : totalOf(loads.filter((load) => Number.isFinite(load.limit)));
    servers = limited + clients;
  }
  return { clients, servers, total: clients + servers + OTHER_FILES, unlimited };
}

export function fileProblems(model: PoolModel, options: DeploymentLimits): FileEstimate[] {
  const estimate = fileEstimate(model);
  return estimate.total > options.fileDescriptorLimit ? [estimate] : [];
}

/** Reserve sizes above 0 that never take effect because reserve_pool_timeout is 0. */
export function deadReserves(model: PoolModel): Valued[] {
  if (model.reserveEnabled) return [];
  const found = new Map<string, Valued>();
  const reserving = poolsWhere(
    model,
    `reserves ${model.zeroIsUnlimited}`,
    (pool) => pool.reserve.value > 0 && sizeLimit(model, pool) !== Infinity,
  );
  for (const pool of reserving) found.set(sourceKey(pool.reserve.source), pool.reserve);
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
  for (const pool of poolsWhere(model, 'database caps', (candidate) => candidate.dbCap !== null)) {
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
export function problemCounts(model: PoolModel, options: DeploymentLimits): Map<string, number> {
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
export function behaviour(model: PoolModel): string {
  return model.pools.map((pool) => `${poolLimit(model, pool)}/${effectiveMin(model, pool)}`).join(',');
}

/** "default_pool_size = 20", "pool_size=30 of database 'billing'", "pool_size=5 of user 'etl'". */
export function describe(valued: Valued): string {
  const { source, value } = valued;
  if (source.level === 'global') return `${source.name} = ${value}`;
  return `${source.name}=${value} of ${source.level} '${source.owner?.name ?? ''}'`;
}
