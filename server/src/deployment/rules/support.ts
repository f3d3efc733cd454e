// What several deployment rules share: how a connection and a pooler are named in messages, and
// the pooler settings they read.

import type { Span } from '../../syntax/syntax';
import type { RelatedInfo } from '../../findings/finding';
import type { TextEdit } from '../../findings/fix';
import type { Backend, Pooler, RoutedConnection } from '../model';

/** "service 'api' (DATABASE_URL)" or "DATABASE_URL in .env": who makes the connection. */
export function who(connection: RoutedConnection): string {
  if (connection.workload) return `${connection.workload.name} (${connection.setting})`;
  return connection.setting;
}

/** host:port of the connection's first host, as written (port 5432 when none is). */
export function target(connection: RoutedConnection): string {
  const first = connection.url.hosts[0];
  if (!first) return '(no host)';
  return `${first.host.includes(':') ? `[${first.host}]` : first.host}:${first.port ?? 5432}`;
}

/** The database a client asks for: dbname, else the user name (libpq and PgBouncer both do so). */
export function databaseOf(connection: RoutedConnection): string | undefined {
  return connection.url.database || connection.url.user || undefined;
}

/** Where a [pgbouncer] setting of the pooler is written (the variable's line for a generated ini). */
export function settingPlace(pooler: Pooler, name: string): { file: string; span: Span } {
  const at = pooler.lint.effective.main.get(name);
  if (!at) return pooler.place;
  const entry = at.entry;
  const span = { start: entry.key.span.start, end: entry.value.span.end };
  return at.file.path === pooler.iniPath ? pooler.locate(span) : { file: at.file.path, span };
}

export function settingRelated(pooler: Pooler, name: string, message: string): RelatedInfo {
  return { ...settingPlace(pooler, name), message };
}

/** Where a [databases] entry is written. */
export function backendPlace(pooler: Pooler, backend: Backend): { file: string; span: Span } {
  const entry = backend.entry.at.entry;
  const span = { start: entry.key.span.start, end: entry.value.span.end };
  return backend.entry.at.file.path === pooler.iniPath
    ? pooler.locate(span)
    : { file: backend.entry.at.file.path, span };
}

/** The pool mode a database's clients get: its own pool_mode, else the [pgbouncer] one. */
export function poolModeOf(pooler: Pooler, backend: Backend | undefined): string {
  const own = backend?.entry.params.value('pool_mode');
  return (own ?? pooler.lint.effective.value('pool_mode')).trim().toLowerCase() || 'session';
}

export function backendFor(pooler: Pooler, database: string | undefined): Backend | undefined {
  if (database === undefined) return undefined;
  return pooler.backends.find((backend) => backend.database === database) ?? pooler.fallback ?? undefined;
}

export function clientTlsMode(pooler: Pooler): string {
  return pooler.lint.effective.value('client_tls_sslmode').trim().toLowerCase() || 'disable';
}

export const TLS_REQUIRED = new Set(['require', 'verify-ca', 'verify-full']);

/** A setting as PgBouncer reads a list: comma-separated, blanks dropped, case kept. */
export function listSetting(pooler: Pooler, name: string): string[] {
  return pooler.lint.effective
    .value(name)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The pooler's name as messages show it. */
export function poolerName(pooler: Pooler): string {
  return `PgBouncer '${pooler.name}'`;
}

/**
 * An edit of a value as it is written in its file: `from` replaced by `to` where `from` occurs
 * exactly once in the written text (quotes and all), so that the edit cannot land on a password or
 * a different part of the value. Undefined when the written text does not hold it once.
 */
export function editInValue(
  texts: ReadonlyMap<string, string>,
  value: { file: string; span: Span },
  from: string,
  to: string,
): TextEdit | undefined {
  const written = texts.get(value.file)?.slice(value.span.start, value.span.end);
  if (written === undefined) return undefined;
  const at = written.indexOf(from);
  if (at < 0 || written.indexOf(from, at + 1) >= 0) return undefined;
  const start = value.span.start + at;
  return { file: value.file, span: { start, end: start + from.length }, newText: to };
}
