// The workspace of the end-to-end scenarios, shared by test/e2e (code-server) and test/electron.

export const USERLIST =
  '"pgbouncer_admin" "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"\n"monitoring" "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"\n';

/** A configuration PgBouncer refuses: "# ten minutes" is part of the value, PgBouncer has no inline comments. */
export const BROKEN = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
admin_users = pgbouncer_admin
stats_users = monitoring
pool_mode = session
max_client_conn = 200
client_idle_timeout = 900
query_timeout = 120
syslog = 1
server_idle_timeout = 600 # ten minutes
`;

/** Clean but for max_client_conn set twice: a warning whose quick fix removes the earlier line. */
export const DUPLICATE = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
admin_users = pgbouncer_admin
stats_users = monitoring
pool_mode = session
max_client_conn = 200
client_idle_timeout = 900
query_timeout = 120
syslog = 1
max_client_conn = 300
`;
export const DUPLICATE_LINE = 16;
export const QUICK_FIX_TITLE = 'Remove the earlier max_client_conn line';

/** For completion, hover and the outline; line 16 is empty, inside [pgbouncer]. */
export const EDIT = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20
reports = host=127.0.0.1 port=5432 dbname=reports pool_size=5

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
admin_users = pgbouncer_admin
stats_users = monitoring
pool_mode = session
max_client_conn = 200
client_idle_timeout = 900
query_timeout = 120

syslog = 1
`;
export const EMPTY_LINE = 16;

/** Every file of the workspace: relative path -> content. Each in its own folder, so Quick Open tells them apart. */
export const WORKSPACE: Record<string, string> = {
  'broken/pgbouncer.ini': BROKEN,
  'broken/userlist.txt': USERLIST,
  'duplicate/pgbouncer.ini': DUPLICATE,
  'duplicate/userlist.txt': USERLIST,
  'edit/pgbouncer.ini': EDIT,
  'edit/userlist.txt': USERLIST,
};
