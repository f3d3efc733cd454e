import type { Rule } from './rule';

export const adminUsersMissing: Rule = {
  id: 'admin-users-missing',
  category: 'Authentication',
  severity: { production: 'information', development: 'hint' },
  title: 'No user may run admin commands on the console',
  docs: {
    why: 'Only users named in admin_users may run the admin console\'s commands that change things: RELOAD, PAUSE, RESUME, RECONNECT, KILL, SET, SHUTDOWN. With admin_users empty the one way left is to log in as "pgbouncer" over the Unix socket from the operating-system account PgBouncer runs as (and not even that when unix_socket_dir is empty). In an incident, reloading a fixed configuration or pausing for a failover then needs shell access to the PgBouncer host or container.',
    fix: 'Create a dedicated role for operating PgBouncer (not an application user), give it a password in auth_file and list it in admin_users. There is no automatic fix: the role name is yours to choose.',
    link: 'https://www.pgbouncer.org/config.html#admin_users',
  },
  check(context) {
    if (context.list('admin_users').length > 0) return [];
    const who =
      context.value('unix_socket_dir') === ''
        ? 'admin_users is empty and so is unix_socket_dir: nobody can run RELOAD, PAUSE or SHUTDOWN on the admin console.'
        : 'admin_users is empty: only the operating-system user PgBouncer runs as, logging in as "pgbouncer" over the Unix socket, can run RELOAD, PAUSE or SHUTDOWN on the admin console.';
    return context.finding('admin_users', `${who} Add a dedicated admin role to admin_users.`);
  },
};
