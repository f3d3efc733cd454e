import type { Rule } from './rule';

export const statsUsersMissing: Rule = {
  id: 'stats-users-missing',
  category: 'Observability',
  severity: { production: 'information', development: 'hint' },
  title: 'No read-only account for monitoring the admin console',
  docs: {
    why: 'Monitoring PgBouncer (SHOW POOLS, SHOW STATS, pgbouncer_exporter and similar tools) means logging in to its admin console, the virtual database "pgbouncer". Only users named in admin_users or stats_users may, apart from the "pgbouncer" user over the Unix socket from PgBouncer\'s own OS account. Without stats_users a monitoring tool either cannot get in or needs an admin account, which can also PAUSE, RELOAD, KILL and SHUTDOWN.',
    fix: 'Create a dedicated monitoring role, make it able to log in (auth_file, auth_query or the auth method in use) and list it in stats_users: it may run every SHOW command except SHOW FDS, and nothing else. The user name depends on your setup, so no automatic fix is offered.',
    link: 'https://www.pgbouncer.org/config.html#stats_users',
  },
  check(context) {
    if (context.list('stats_users').length > 0) return [];
    const admins = context.list('admin_users');
    return context.finding(
      'stats_users',
      admins.length > 0
        ? `stats_users is empty: monitoring (SHOW POOLS, SHOW STATS) would have to use an admin account (admin_users = ${admins.join(', ')}), which can also pause, reload and shut down PgBouncer. Add a read-only monitoring user to stats_users.`
        : 'stats_users and admin_users are empty: only the "pgbouncer" user over the Unix socket can use the admin console, so monitoring cannot read SHOW POOLS or SHOW STATS. Add a read-only monitoring user to stats_users.',
    );
  },
};
