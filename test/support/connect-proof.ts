// One connection attempt as an application would make it, for the proofs that what the deployment rules
// claim about a URL is what PgBouncer really does (test/deployment/stack-proofs.test.ts). The answer is
// the server's own error text (PgBouncer's ErrorResponse, PostgreSQL's, or the client's when the server
// refused TLS), never a password.
//
//   await tryConnect('postgresql://app:secret@127.0.0.1:6432/appdb?sslmode=disable')
//   await tryConnect('jdbc:postgresql://127.0.0.1:6432/appdb?user=app&password=secret')
//
// A jdbc: URL (or jdbcStartup) sends the startup packet pgjdbc sends (its ConnectionFactoryImpl
// getParametersForStartup): DateStyle, TimeZone, extra_float_digits (2, or 3 with
// assumeMinServerVersion >= 9.0), search_path for currentSchema, options. `pg` writes every key of its
// startup object into the StartupMessage (pg-protocol's serializer), so these go out in a real startup
// packet and authentication (SCRAM) still runs through `pg`.
// sslmode as libpq reads it: disable, allow (plain text, TLS if refused), prefer (the default: TLS, plain
// text if the server has none), require (TLS, certificate not checked), verify-ca, verify-full.

import { Client } from 'pg';
import type { ClientConfig } from 'pg';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface ConnectTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** Default prefer, as libpq. */
  ssl?: SslMode;
  /** Send pgjdbc's startup parameters. */
  jdbcStartup?: boolean;
  /** pgjdbc's assumeMinServerVersion: 9.0 and later make it send extra_float_digits=3 (else 2). */
  jdbcAssumeMinServerVersion?: string;
  /** pgjdbc's currentSchema: sent as the search_path startup parameter. */
  currentSchema?: string;
  /** The `options` startup parameter (libpq's options, e.g. "-c search_path=x"). */
  options?: string;
  /** libpq's application_name: sent as that startup parameter. */
  applicationName?: string;
  /** PEM text of the CA certificates for verify-ca and verify-full (default: Node's trusted CAs). */
  ca?: string;
}

export type ConnectResult =
  | {
      ok: true;
      /** The first column of the first row of `query`, when one was asked for. */
      value?: string;
    }
  | { ok: false; message: string };

export interface ConnectOptions {
  /** The whole attempt (connect, TLS, login, query) ends within this time. Default 5 s. */
  timeoutMs?: number;
  /** Run after login, to prove that a server connection works (default SELECT 1). */
  query?: string;
}

const SSL_MODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A libpq URI (postgres://, postgresql://, +driver), a keyword/value string, or a pgjdbc URL. */
export function targetOfUrl(url: string): ConnectTarget {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return targetOfKeywords(url);
  const jdbc = url.startsWith('jdbc:');
  const parsed = new URL(jdbc ? url.slice('jdbc:'.length) : url.replace(/^(postgres(?:ql)?)\+[^:]*:/, '$1:'));
  const params = parsed.searchParams;
  const sslmode = params.get('sslmode') ?? (jdbc && params.get('ssl') === 'true' ? 'verify-full' : 'prefer');
  if (!SSL_MODES.includes(sslmode)) throw new Error(`unknown sslmode ${sslmode}`);
  const target: ConnectTarget = {
    host: decoded(parsed.hostname.replace(/^\[(.*)\]$/, '$1')) || 'localhost',
    port: parsed.port ? Number(parsed.port) : 5432,
    database: decoded(parsed.pathname.replace(/^\//, '')),
    user: decoded(parsed.username) || (params.get('user') ?? ''),
    ssl: sslmode as SslMode,
  };
  const password = parsed.password ? decoded(parsed.password) : params.get('password');
  if (password !== null) target.password = password;
  const options = params.get('options');
  if (options !== null) target.options = options;
  const applicationName = params.get('application_name');
  if (applicationName !== null && !jdbc) target.applicationName = applicationName;
  if (jdbc) {
    target.jdbcStartup = true;
    const schema = params.get('currentSchema');
    if (schema !== null) target.currentSchema = schema;
    const assumed = params.get('assumeMinServerVersion');
    if (assumed !== null) target.jdbcAssumeMinServerVersion = assumed;
  }
  if (!target.database) target.database = target.user;
  return target;
}

/** host=... port=... dbname=... user=... password=... sslmode=... options=... (values without spaces or in single quotes). */
function targetOfKeywords(text: string): ConnectTarget {
  const values = new Map<string, string>();
  for (const match of text.matchAll(/(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/g)) {
    values.set(match[1], match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]);
  }
  const sslmode = values.get('sslmode') ?? 'prefer';
  if (!SSL_MODES.includes(sslmode)) throw new Error(`unknown sslmode ${sslmode}`);
  const user = values.get('user') ?? '';
  return {
    host: values.get('host') ?? 'localhost',
    port: Number(values.get('port') ?? 5432),
    database: values.get('dbname') ?? user,
    user,
    ssl: sslmode as SslMode,
    ...(values.has('password') ? { password: values.get('password') } : {}),
    ...(values.has('options') ? { options: values.get('options') } : {}),
  };
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return a > major || (a === major && (b ?? 0) >= minor);
}

/** pgjdbc's startup parameters after user and database (pg adds client_encoding=UTF8 itself). */
function jdbcParameters(target: ConnectTarget): Record<string, string> {
  const modern = versionAtLeast(target.jdbcAssumeMinServerVersion ?? '0', 9, 0);
  const params: Record<string, string> = {
    DateStyle: 'ISO',
    TimeZone: 'UTC',
    extra_float_digits: modern ? '3' : '2',
  };
  if (modern) params.application_name = 'PostgreSQL JDBC Driver';
  if (target.currentSchema !== undefined) params.search_path = target.currentSchema;
  if (target.options !== undefined) params.options = target.options;
  return params;
}

function sslConfig(target: ConnectTarget, tls: boolean): ClientConfig['ssl'] {
  if (!tls) return false;
  const mode = target.ssl ?? 'prefer';
  const ca = target.ca === undefined ? {} : { ca: target.ca };
  if (mode === 'verify-full') return { ...ca, servername: target.host };
  if (mode === 'verify-ca') return { ...ca, checkServerIdentity: () => undefined };
  return { rejectUnauthorized: false };
}

/** Who refused: PgBouncer's message, PostgreSQL's, or the client's (TLS refused, connection refused). */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || String((error as NodeJS.ErrnoException).code ?? error);
  return String(error);
}

async function attempt(
  target: ConnectTarget,
  tls: boolean,
  query: string,
  deadline: number,
): Promise<ConnectResult> {
  const client = new Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password ?? '',
    ssl: sslConfig(target, tls),
    connectionTimeoutMillis: Math.max(1, deadline - Date.now()),
    ...(target.options !== undefined && !target.jdbcStartup ? { options: target.options } : {}),
    ...(target.applicationName !== undefined && !target.jdbcStartup
      ? { application_name: target.applicationName }
      : {}),
  });
  if (target.jdbcStartup) {
    // pg's own hook for the startup packet (client.js getStartupConf): every key is sent.
    const internal = client as unknown as { getStartupConf: () => Record<string, string> };
    const own = internal.getStartupConf.bind(client);
    internal.getStartupConf = () => {
      const { user, database } = own();
      return { user, database, ...jdbcParameters(target) };
    };
  }
  client.on('error', () => undefined); // the server may close the socket after its ErrorResponse
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ConnectResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({ ok: false, message: `no answer within the time allowed (${target.host}:${target.port})` }),
      Math.max(1, deadline - Date.now()),
    );
  });
  const run = (async (): Promise<ConnectResult> => {
    try {
      await client.connect();
      const result = await client.query<Record<string, unknown>>(query);
      const first = result.rows[0];
      const value = first === undefined ? undefined : Object.values(first)[0];
      return value === undefined || value === null ? { ok: true } : { ok: true, value: String(value) };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.race([
      client.end().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 500)),
    ]);
  }
}

const NO_TLS = /does not support SSL/i;
/** What PgBouncer says to a plain-text client when TLS is required (client.c: "SSL required"). */
const TLS_REQUIRED = /SSL required/i;

/**
 * Connects as the URL or target says, runs `query` (SELECT 1) and disconnects. ok: true when the query
 * answered; else the message the application would log.
 */
export async function tryConnect(
  url: string | ConnectTarget,
  options: ConnectOptions = {},
): Promise<ConnectResult> {
  let target: ConnectTarget;
  try {
    target = typeof url === 'string' ? targetOfUrl(url) : url;
  } catch (error) {
    return { ok: false, message: `not a connection string: ${messageOf(error)}` };
  }
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const query = options.query ?? 'SELECT 1';
  const mode = target.ssl ?? 'prefer';
  if (mode === 'disable') return attempt(target, false, query, deadline);
  if (mode === 'allow') {
    // libpq's allow: plain text first, TLS only when the server insists.
    const plain = await attempt(target, false, query, deadline);
    return !plain.ok && TLS_REQUIRED.test(plain.message) ? attempt(target, true, query, deadline) : plain;
  }
  const secure = await attempt(target, true, query, deadline);
  // libpq's prefer: plain text when the server answers the SSLRequest with "no".
  if (mode === 'prefer' && !secure.ok && NO_TLS.test(secure.message))
    return attempt(target, false, query, deadline);
  return secure;
}
