// A client for PgBouncer's admin console (the "pgbouncer" database), in plain TypeScript (no vscode).
//
// The console speaks only the simple query protocol: every statement goes to pg as a bare string
// (no parameters, no named statements, no row limits), so pg sends a single 'Q' message. One
// connection per instance is kept open and reused; when it fails, the next query reconnects, but not
// before a backoff delay that doubles with each failure (a retry clears it). A login refused for its
// password (none stored, or a wrong one) is not tried again at all until the password the source
// gives changes or retryNow() is called: asking again with the same password cannot help, and
// PgBouncer logs every refused login. Every connect and every
// query has a timeout: when it expires the socket is destroyed, so nothing hangs. pg runs over our own
// stream (wire.ts), which does TLS and bounds what the server may send before pg parses any of it.
//
// Errors are AdminErrors with a readable kind (PgBouncer down, wrong password, not allowed, TLS, timeout,
// a refused command, a broken protocol). Messages never contain the password: they are written here,
// not copied from connection settings, and PgBouncer's own text is passed on only from its ErrorResponse.

import { createHmac, randomBytes } from 'node:crypto';
import type { Client, ClientConfig, QueryResult } from 'pg';

import type { InstanceSettings } from './instance';
import { AdminError, PasswordNeededError, isPasswordProblem, where } from './errors';
import { AdminWire } from './wire';
import type { Transport } from './wire';

export { AdminError, PasswordNeededError, isPasswordProblem } from './errors';
export type { AdminErrorKind } from './errors';
export type { Transport } from './wire';

/**
 * pg (and the network modules it pulls in) is loaded on the first connection, not when the
 * extension activates: most sessions never open the pool view.
 */
function loadPg(): typeof import('pg') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  return require('pg') as typeof import('pg');
}

/** libpq's sslmode values (without allow): disable, prefer, require, verify-ca, verify-full. */
export type PasswordSource = () => PromiseLike<string | undefined> | string | undefined;

export interface AdminClientOptions {
  /** Timeout of every query, and of connecting (default 5000 ms). */
  timeoutMs?: number;
  /** First reconnect delay after a failure (default 1000 ms); doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  /** Longest reconnect delay (default 30000 ms). */
  maxBackoffMs?: number;
  /** application_name shown in SHOW CLIENTS (default "vscode-pgbouncer"). */
  applicationName?: string;
  /** Clock, for tests. */
  now?: () => number;
}

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'failed' | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** The last failure while status is 'failed'. */
  error?: AdminError;
  /** When the next connect may happen (ms since the epoch), while status is 'failed'. */
  retryAt?: number;
  /**
   * The login was refused for its password (error kind 'auth' or 'password-needed'): no connect until
   * the password changes or retryNow(); retryAt is unset meanwhile.
   */
  waitsForPassword?: boolean;
  /** Consecutive failed connects. */
  failures: number;
  /** How the connection is protected, while status is 'connected'. */
  transport?: Transport;
}

export type Row = Record<string, unknown>;

/** The SHOW commands the view uses. */
export type ShowCommand = 'POOLS' | 'STATS' | 'DATABASES' | 'CLIENTS' | 'SERVERS' | 'CONFIG' | 'VERSION';

/** Admin commands; the ones with a database take it as their argument. */
export type AdminCommand = 'PAUSE' | 'RESUME' | 'RECONNECT' | 'RELOAD' | 'KILL' | 'DISABLE' | 'ENABLE';

/** Commands that need a database (KILL, DISABLE, ENABLE) or that take one optionally. */
export const COMMAND_TARGET: Record<AdminCommand, 'database' | 'optional' | 'none'> = {
  PAUSE: 'optional',
  RESUME: 'optional',
  RECONNECT: 'optional',
  RELOAD: 'none',
  KILL: 'database',
  DISABLE: 'database',
  ENABLE: 'database',
};

export type Rights = 'admin' | 'stats';

/** An identifier argument for the admin console: always double-quoted, "" inside. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The statement for an admin command (target: a database name). */
export function commandText(command: AdminCommand, target?: string): string {
  const takes = COMMAND_TARGET[command];
  if (takes === 'database' && !target) throw new Error(`${command} needs a database`);
  if (takes === 'none' || !target) return command;
  return `${command} ${quoteIdentifier(target)}`;
}

/** Stands for "no password" among the fingerprints. */
const NO_PASSWORD = 'none';

/** Turns what pg threw into an AdminError with a readable kind and message. */
export function classifyError(error: unknown, instance: InstanceSettings): AdminError {
  if (error instanceof AdminError) return error;
  if (error instanceof PasswordNeededError) {
    return new AdminError(
      'password-needed',
      `PgBouncer asks user ${instance.user} for a password, and none is stored for ${where(instance)}.`,
    );
  }
  const e = error as { message?: string; code?: string; severity?: string } | undefined;
  const message = e?.message ?? String(error);
  const code = e?.code ?? '';
  const fromServer = typeof e?.severity === 'string'; // an ErrorResponse: PgBouncer's own words
  if (fromServer) {
    if (message === 'not allowed') {
      return new AdminError(
        'not-allowed',
        `User ${instance.user} logged in, but is neither in admin_users nor in stats_users of ${where(instance)} (PgBouncer: "not allowed").`,
        message,
      );
    }
    if (/SSL required/i.test(message)) {
      return new AdminError(
        'tls',
        `${where(instance)} requires TLS (client_tls_sslmode), but the instance's sslmode is ${instance.sslmode} (PgBouncer: "${message}"). Set sslmode to require or verify-full.`,
        message,
      );
    }
    if (/authentication failed|password/i.test(message) && e?.severity === 'FATAL') {
      return new AdminError(
        'auth',
        `${where(instance)} refused the login of ${instance.user}: wrong password, or the user is not in its auth_file (PgBouncer: "${message}").`,
        message,
      );
    }
    if (e?.severity === 'FATAL') {
      return new AdminError('refused', `${where(instance)} refused the connection: ${message}`, message);
    }
    return new AdminError('refused', `PgBouncer: ${message}`, message);
  }
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(
      code,
    ) ||
    /Connection terminated|ECONNREFUSED|ENOENT|socket hang up/i.test(message)
  ) {
    const why =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `the host name ${instance.host} does not resolve`
        : code === 'ECONNREFUSED' || /ENOENT/.test(message)
          ? 'nothing accepts connections there'
          : 'the connection broke';
    return new AdminError(
      'down',
      `PgBouncer at ${where(instance)} is not reachable: ${why} (${code || message}).`,
    );
  }
  if (/timeout/i.test(message)) {
    return new AdminError('timeout', `${where(instance)} did not answer in time.`);
  }
  return new AdminError('failed', `${where(instance)}: ${message}`);
}

interface PgConnectionInternals {
  connection?: { stream?: { destroy(error?: Error): void } };
}

/** Ends a pg client at once, whatever state it is in (end() could wait for a frozen server). */
function destroy(client: Client): void {
  try {
    (client as unknown as PgConnectionInternals).connection?.stream?.destroy();
  } catch {
    // already closed
  }
}

/**
 * One PgBouncer's admin console over one reused connection. Queries run one at a time, in order.
 * Never throws anything but AdminError from its public methods.
 */
export class AdminClient {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private current: ConnectionState = { status: 'idle', failures: 0 };
  private rightsCache: Rights | null = null;
  private closed = false;
  /**
   * Passwords are compared by an HMAC under a key of this client only, so that what is kept to notice
   * a change of password is not the password.
   */
  private readonly fingerprintKey = randomBytes(32).toString('base64');
  /** The fingerprint of the password the last login was given (NO_PASSWORD: none), if it asked. */
  private attemptFingerprint: string | undefined;
  /** The fingerprint of the password PgBouncer refused, while waitsForPassword. */
  private refusedFingerprint: string | undefined;
  readonly timeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;

  constructor(
    readonly instance: InstanceSettings,
    private readonly password: PasswordSource,
    private readonly options: AdminClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Called on every state change; returns the unsubscribe function. */
  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Lets the next query connect at once (after a new password, or the user's "retry"). */
  retryNow(): void {
    if (this.current.status !== 'failed') return;
    this.refusedFingerprint = undefined;
    this.setState({ ...this.current, retryAt: this.now(), waitsForPassword: undefined });
  }

  /** Runs one statement with the simple query protocol and returns its rows. */
  query(sql: string): Promise<Row[]> {
    const run = this.queue.then(() => this.runQuery(sql));
    this.queue = run.catch(() => undefined);
    return run;
  }

  show(what: ShowCommand): Promise<Row[]> {
    return this.query(`SHOW ${what}`);
  }

  /** Runs an admin command; PgBouncer's refusal ("admin access needed", ...) is an AdminError 'refused'. */
  async command(command: AdminCommand, target?: string): Promise<void> {
    try {
      await this.query(commandText(command, target));
    } catch (error) {
      const adminError = error as AdminError;
      if (adminError.kind === 'timeout' && (command === 'PAUSE' || command === 'KILL')) {
        // PAUSE (and KILL, which pauses first) waits until the pool's server connections are released.
        throw new AdminError(
          'timeout',
          `${command} did not finish within ${this.timeoutMs / 1000} s: PgBouncer waits until the server connections are released (a transaction is still open). The database stays paused until RESUME.`,
        );
      }
      throw error;
    }
  }

  /**
   * Whether the user may run admin commands or only SHOW: admin_users and stats_users from SHOW CONFIG
   * (stats users may read it); a user in neither list (the pgbouncer process's own OS user over the
   * Unix socket) is tested with a command only admins may run and that changes nothing.
   */
  async rights(configRows?: Row[]): Promise<Rights> {
    if (this.rightsCache) return this.rightsCache;
    const rows = configRows ?? (await this.show('CONFIG'));
    const list = (key: string): string[] =>
      String(rows.find((row) => row.key === key)?.value ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
    let rights: Rights;
    if (list('admin_users').includes(this.instance.user)) rights = 'admin';
    else if (list('stats_users').includes(this.instance.user)) rights = 'stats';
    else rights = await this.probeRights();
    if (this.client) this.rightsCache = rights; // valid for this connection
    return rights;
  }

  private async probeRights(): Promise<Rights> {
    try {
      await this.query('SET vscode_pgbouncer_rights_probe = 0'); // no such setting: admins get "SET failed"
      return 'admin';
    } catch (error) {
      if ((error as AdminError).serverMessage === 'admin access needed') return 'stats';
      if ((error as AdminError).kind === 'refused') return 'admin';
      throw error;
    }
  }

  /** Closes the connection; the client can not be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.setState({ status: 'closed', failures: this.current.failures });
    if (client) {
      const ended = client.end().catch(() => undefined);
      const timer = new Promise((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([ended, timer]);
      destroy(client);
    }
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch {
        // a listener's problem is not the connection's
      }
    }
  }

  private async runQuery(sql: string): Promise<Row[]> {
    const client = await this.connection();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new AdminError(
            'timeout',
            `${where(this.instance)} did not answer "${sql}" within ${this.timeoutMs / 1000} s.`,
          ),
        );
      }, this.timeoutMs);
    });
    const running = client.query(sql) as Promise<QueryResult<Row>>;
    running.catch(() => undefined); // may reject after the timeout won
    try {
      const result = await Promise.race([running, timeout]);
      return result.rows;
    } catch (error) {
      const adminError = classifyError(error, this.instance);
      // The connection is still good after a refused command; anything else ends it.
      if (adminError.kind !== 'refused' || (error as { severity?: string }).severity === 'FATAL') {
        this.drop(client, adminError);
      }
      throw adminError;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets a broken connection; the next query reconnects (after the backoff). */
  private drop(client: Client, error: AdminError): void {
    destroy(client);
    if (this.client !== client) return;
    this.client = null;
    this.rightsCache = null;
    if (this.closed) return;
    const failures = this.current.failures + 1;
    this.setState({ status: 'failed', error, failures, retryAt: this.now() + this.backoff(failures) });
  }

  private backoff(failures: number): number {
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.max(0, failures - 1));
  }

  private connection(): Promise<Client> {
    if (this.closed)
      return Promise.reject(new AdminError('failed', `${where(this.instance)}: the client is closed.`));
    if (this.client) return Promise.resolve(this.client);
    const state = this.current;
    if (state.status === 'failed' && state.error && state.waitsForPassword) {
      const refused = state.error;
      return this.passwordChanged().then((changed) => {
        if (!changed) return Promise.reject(refused);
        this.refusedFingerprint = undefined;
        return this.startConnect();
      });
    }
    if (state.status === 'failed' && state.error && (state.retryAt ?? 0) > this.now()) {
      return Promise.reject(state.error);
    }
    return this.startConnect();
  }

  private startConnect(): Promise<Client> {
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private fingerprint(password: string | undefined): string {
    if (password === undefined) return NO_PASSWORD;
    return createHmac('sha256', this.fingerprintKey).update(password).digest('hex');
  }

  /** The password source's current fingerprint; undefined when the source fails. */
  private async currentFingerprint(): Promise<string | undefined> {
    try {
      return this.fingerprint(await this.password());
    } catch {
      return undefined;
    }
  }

  /** Whether the source now gives another password than the one PgBouncer refused. */
  private async passwordChanged(): Promise<boolean> {
    const now = await this.currentFingerprint();
    return now !== undefined && now !== this.refusedFingerprint;
  }

  private async connect(): Promise<Client> {
    this.setState({ status: 'connecting', failures: this.current.failures });
    this.attemptFingerprint = undefined;
    try {
      const { client, wire } = await this.open();
      if (this.closed) {
        destroy(client);
        throw new AdminError('failed', `${where(this.instance)}: the client is closed.`);
      }
      this.client = client;
      this.setState({ status: 'connected', failures: 0, transport: wire.transport ?? undefined });
      return client;
    } catch (error) {
      const adminError = classifyError(error, this.instance);
      if (!this.closed) {
        const failures = this.current.failures + 1;
        if (isPasswordProblem(adminError)) {
          // What was refused: the password the login was given, else (never asked) the one there is now.
          this.refusedFingerprint = this.attemptFingerprint ?? (await this.currentFingerprint());
          if (!this.closed)
            this.setState({ status: 'failed', error: adminError, failures, waitsForPassword: true });
        } else {
          this.setState({
            status: 'failed',
            error: adminError,
            failures,
            retryAt: this.now() + this.backoff(failures),
          });
        }
      }
      throw adminError;
    }
  }

  private async open(): Promise<{ client: Client; wire: AdminWire }> {
    const wire = new AdminWire(this.instance);
    const config: ClientConfig = {
      host: this.instance.host,
      port: this.instance.port,
      user: this.instance.user,
      database: this.instance.database,
      // TLS is the wire's business: pg sees the plain protocol
      ssl: false,
      stream: () => wire,
      password: async () => {
        const password = await this.password();
        this.attemptFingerprint = this.fingerprint(password);
        if (password === undefined) throw new PasswordNeededError();
        return password;
      },
      application_name: this.options.applicationName ?? 'vscode-pgbouncer',
      keepAlive: true,
    };
    const client = new (loadPg().Client)(config);
    // A connection that breaks while idle (PgBouncer restarted) is noticed here, not as a crash.
    client.on('error', (error) => this.drop(client, classifyError(error, this.instance)));
    client.on('end', () => {
      if (this.client === client) {
        this.drop(
          client,
          new AdminError('down', `PgBouncer at ${where(this.instance)} closed the connection.`),
        );
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        destroy(client);
        reject(
          new AdminError(
            'timeout',
            `${where(this.instance)} accepted no login within ${this.timeoutMs / 1000} s (the host may drop packets, or PgBouncer is stuck).`,
          ),
        );
      }, this.timeoutMs);
    });
    const connecting = client.connect();
    connecting.catch(() => undefined);
    try {
      await Promise.race([connecting, timeout]);
      return { client, wire };
    } catch (error) {
      destroy(client);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
