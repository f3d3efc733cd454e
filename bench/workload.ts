// The configurations the benchmarks read: a realistic [pgbouncer] section and a [databases]
// section with `count` entries (about 64 bytes each: 10,000 entries are about 0.6 MB).

const MAIN = [
  '[pgbouncer]',
  'listen_addr = 0.0.0.0',
  'listen_port = 6432',
  'auth_type = scram-sha-256',
  'auth_file = /etc/pgbouncer/userlist.txt',
  'admin_users = pgbouncer_admin',
  'stats_users = monitoring',
  'pool_mode = transaction',
  'max_client_conn = 5000',
  'default_pool_size = 20',
  'reserve_pool_size = 5',
  'server_tls_sslmode = require',
  'client_idle_timeout = 900',
  'idle_transaction_timeout = 60',
  'query_wait_timeout = 120',
  '',
];

/** pgbouncer.ini with `count` [databases] entries spread over `hosts` PostgreSQL hosts (50 by default). */
export function databasesConfig(count: number, hosts = 50): string {
  const lines = [...MAIN, '[databases]'];
  const width = String(hosts - 1).length;
  for (let i = 0; i < count; i++) {
    const id = String(i).padStart(6, '0');
    const host = String(i % hosts).padStart(Math.max(2, width), '0');
    lines.push(`app_${id} = host=pg-${host}.internal port=5432 dbname=app_${id} pool_size=20`);
  }
  return `${lines.join('\n')}\n`;
}
