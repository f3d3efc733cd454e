// The PostgreSQL connections an application's environment describes: variables holding a whole
// connection string, and connections built from parts (DB_HOST + DB_PORT + …), with the pool sizes
// and prepared-statement behaviour the same environment sets.

import type { EnvVar, ParsedUrl, SourceValue } from './types';
import { looksLikePrisma, parseConnectionUrl, preparedStatementsOf, prismaConnectionLimit } from './urls';

export interface EnvConnection {
  setting: string;
  value: SourceValue;
  url: ParsedUrl;
  purpose: 'runtime' | 'migration' | 'admin';
  poolSize?: { size: number; at: SourceValue; defaulted?: string };
  /** Why there is no pool size when the client's default depends on the machine (Prisma). */
  poolSizeUnknown?: string;
  poolOverflow?: { size: number; at: SourceValue };
  preparedStatements?: { on: boolean; at: SourceValue; why: string };
}

/** The server's own settings in a postgres image (docker-library postgres docker-entrypoint.sh), not a client's. */
const SERVER_VARIABLES =
  /^(POSTGRES_(PASSWORD|USER|DB|INITDB_ARGS|INITDB_WALDIR|HOST_AUTH_METHOD)|PGDATA)(_FILE)?$/;

function purposeOf(name: string): EnvConnection['purpose'] {
  if (/ADMIN|SUPERUSER|ROOT_|_ROOT\b/.test(name.toUpperCase())) return 'admin';
  if (/MIGRAT|DIRECT|REPLICATION|SHADOW/.test(name.toUpperCase())) return 'migration';
  return 'runtime';
}

/** Prefixes of variables that give a connection by parts; the host variable's place stands for it. */
const PART_PREFIXES = ['DB', 'DATABASE', 'POSTGRES', 'POSTGRESQL', 'PG', 'PSQL'];
const PART_NAMES = {
  host: ['HOST', 'HOSTNAME', 'SERVER', 'ADDR'],
  port: ['PORT'],
  database: ['NAME', 'DATABASE', 'DB', 'DBNAME'],
  user: ['USER', 'USERNAME'],
  password: ['PASSWORD', 'PASS'],
  sslmode: ['SSLMODE', 'SSL_MODE'],
};

/** Pool size variables (SQLAlchemy apps, Rails' RAILS_MAX_THREADS, Spring relaxed binding of Hikari). */
const POOL_SIZE =
  /^(DB_POOL_SIZE|POOL_SIZE|DATABASE_POOL_SIZE|DB_POOL|DATABASE_POOL|SQLALCHEMY_POOL_SIZE|RAILS_MAX_THREADS|SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE|SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE)$/;
const POOL_OVERFLOW =
  /^(DB_MAX_OVERFLOW|SQLALCHEMY_MAX_OVERFLOW|DATABASE_MAX_OVERFLOW|POOL_MAX_OVERFLOW|MAX_OVERFLOW)$/;

function positiveInt(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) && Number(trimmed) > 0 ? Number(trimmed) : undefined;
}

/** The last variable of each name wins, as in the environment the process gets. */
function lastByName(env: EnvVar[]): Map<string, EnvVar> {
  const byName = new Map<string, EnvVar>();
  for (const variable of env) byName.set(variable.name, variable);
  return byName;
}

/** The connections an environment describes, in the order of their variables. */
export function connectionsFromEnv(env: EnvVar[]): EnvConnection[] {
  const byName = lastByName(env);
  const connections: EnvConnection[] = [];
  let poolSize: { size: number; at: SourceValue } | undefined;
  let poolOverflow: { size: number; at: SourceValue } | undefined;
  for (const variable of byName.values()) {
    if (POOL_SIZE.test(variable.name)) {
      const size = positiveInt(variable.value.text);
      if (size !== undefined) poolSize = { size, at: variable.value };
    } else if (POOL_OVERFLOW.test(variable.name)) {
      const size = Number(variable.value.text.trim());
      if (/^\d{1,9}$/.test(variable.value.text.trim())) poolOverflow = { size, at: variable.value };
    }
  }
  const usedParts = new Set<string>();
  for (const variable of byName.values()) {
    if (SERVER_VARIABLES.test(variable.name)) continue;
    const url = parseConnectionUrl(variable.value.text);
    if (url) {
      connections.push(
        finish({ setting: variable.name, value: variable.value, url, purpose: purposeOf(variable.name) }),
      );
      continue;
    }
    const host = partsConnection(variable, byName, usedParts);
    if (host) connections.push(finish(host));
  }
  return connections;

  function finish(connection: EnvConnection): EnvConnection {
    const limit = prismaConnectionLimit(connection.url);
    if (limit !== undefined) connection.poolSize = { size: limit, at: connection.value };
    else if (looksLikePrisma(connection.url))
      // Prisma's pool without connection_limit: num_cpus * 2 + 1 (Prisma docs, "Connection pool").
      connection.poolSizeUnknown = 'Prisma default: number of CPUs × 2 + 1 (no connection_limit in the URL)';
    else if (poolSize && connection.purpose === 'runtime') connection.poolSize = poolSize;
    if (poolOverflow && connection.purpose === 'runtime' && !looksLikePrisma(connection.url))
      connection.poolOverflow = poolOverflow;
    const prepared = preparedStatementsOf(connection.url);
    if (prepared) connection.preparedStatements = { ...prepared, at: connection.value };
    return connection;
  }
}

/**
 * A connection built from parts when variable is the host variable of a family (DB_HOST with DB_PORT,
 * DB_NAME, DB_USER; PGHOST with PGPORT, PGDATABASE; …). A family with a prefix before it
 * (ANALYTICS_DB_HOST) is its own connection.
 */
function partsConnection(
  variable: EnvVar,
  byName: Map<string, EnvVar>,
  used: Set<string>,
): EnvConnection | undefined {
  for (const prefix of PART_PREFIXES) {
    for (const hostName of PART_NAMES.host) {
      if (!new RegExp(`^(.*?)${prefix}_?${hostName}$`).test(variable.name)) continue;
      // PGHOST, PG_HOST, DB_HOST, DBHOST; a leading family name (READER_DB_HOST) kept.
      const base = variable.name.slice(0, variable.name.length - hostName.length);
      if (used.has(base)) return undefined;
      used.add(base);
      if (variable.value.text.trim() === '') return undefined;
      const part = (names: string[]): EnvVar | undefined => {
        for (const name of names) {
          const found = byName.get(base + name);
          if (found) return found;
        }
        // PGDATABASE, PGUSER: libpq's own names.
        return undefined;
      };
      const keywords: string[] = [`host='${quote(variable.value.text.trim())}'`];
      const port = part(PART_NAMES.port);
      if (port) keywords.push(`port='${quote(port.value.text.trim())}'`);
      const database = part(PART_NAMES.database);
      if (database) keywords.push(`dbname='${quote(database.value.text.trim())}'`);
      const user = part(PART_NAMES.user);
      if (user) keywords.push(`user='${quote(user.value.text.trim())}'`);
      const sslmode = part(PART_NAMES.sslmode);
      if (sslmode) keywords.push(`sslmode='${quote(sslmode.value.text.trim())}'`);
      const url = parseConnectionUrl(keywords.join(' '));
      if (!url) return undefined;
      const password = part(PART_NAMES.password);
      const built: ParsedUrl = { ...url, hasPassword: password !== undefined && password.value.text !== '' };
      return { setting: variable.name, value: variable.value, url: built, purpose: purposeOf(variable.name) };
    }
  }
  return undefined;
}

function quote(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
