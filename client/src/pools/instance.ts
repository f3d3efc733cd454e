// One PgBouncer the pool view watches, as the settings describe it.

import type { PoolSslMode } from '../../../server/src/api';

/** libpq's sslmode values (without allow): disable, prefer, require, verify-ca, verify-full. */
export type SslMode = PoolSslMode;

/** One PgBouncer to watch: where its admin console is and whom to log in as. No password here. */
export interface InstanceSettings {
  name: string;
  host: string;
  port: number;
  user: string;
  /** The admin console's database name: "pgbouncer". */
  database: string;
  sslmode: SslMode;
  /** Absolute path of the CA certificates (PEM) to trust instead of Node's list; settings.ts resolves it. */
  sslrootcert?: string;
  /** The workspace folder whose settings define it, in a multi-root workspace (its name). */
  folder?: string;
}
