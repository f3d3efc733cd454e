// The errors of the admin-console client (no vscode, no pg): a module of their own so that the
// guarded stream (wire.ts) and the client (admin-client.ts) can both raise them.

export type AdminErrorKind =
  /** Nothing answers at host:port, or the connection broke. */
  | 'down'
  /** PgBouncer refused the password (or does not know the user). */
  | 'auth'
  /** PgBouncer asked for a password and none is stored. */
  | 'password-needed'
  /** The user logged in but is neither in admin_users nor in stats_users. */
  | 'not-allowed'
  /** TLS: required by PgBouncer, not offered by it, its certificate refused, or the CA file unusable. */
  | 'tls'
  /** No answer within the timeout. */
  | 'timeout'
  /** PgBouncer answered the command with an error (e.g. "admin access needed"). */
  | 'refused'
  /** The server broke the protocol or one of the limits (message size, bytes or rows per answer). */
  | 'protocol'
  /** Anything else. */
  | 'failed';

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly kind: AdminErrorKind,
    message: string,
    /** PgBouncer's own error text, when it sent one. */
    readonly serverMessage?: string,
  ) {
    super(message);
  }
}

/** Failures that only another password (or other instance settings) can mend: retrying cannot. */
export function isPasswordProblem(error: AdminError | undefined): boolean {
  return error?.kind === 'auth' || error?.kind === 'password-needed';
}

/** Thrown by a password source that has nothing to give. */
export class PasswordNeededError extends Error {
  override readonly name = 'PasswordNeededError';
  constructor() {
    super('no password stored');
  }
}

/** How messages name an instance: its name and address, never anything secret. */
export function where(instance: { name: string; host: string; port: number }): string {
  return `${instance.name} (${instance.host}:${instance.port})`;
}
