import type { DeploymentRule } from '../rule';
import { backendFor, databaseOf, poolerName, settingRelated, who } from './support';

/** auth_type values that look the user up in auth_file (or through auth_query when auth_user is set). */
const LOOKS_UP = new Set(['md5', 'scram-sha-256', 'plain', 'trust', 'password']);

export const unknownUser: DeploymentRule = {
  id: 'deployment-unknown-user',
  severity: 'warning',
  title: 'A connection through PgBouncer uses a user it cannot authenticate',
  docs: {
    why: 'With an auth_type that checks passwords (and with trust too), PgBouncer looks the user up in auth_file; a user that is not there can only log in when auth_user and auth_query fetch its password from the server. Otherwise the login fails with "password authentication failed".',
    fix: 'Add the user to auth_file, or set auth_user (and auth_query) so that PgBouncer asks the server for the password.',
  },
  check(deployment) {
    return deployment.connections.flatMap((connection) => {
      if (connection.route.kind !== 'pooler') return [];
      const { pooler } = connection.route;
      const user = connection.url.user;
      if (!user || !pooler.authUsers || pooler.authUsers.has(user)) return [];
      const authType = pooler.lint.effective.value('auth_type').trim().toLowerCase();
      if (!LOOKS_UP.has(authType)) return [];
      if (pooler.lint.effective.value('auth_user').trim() !== '') return [];
      const backend = backendFor(pooler, databaseOf(connection));
      if (backend?.entry.params.value('auth_user')) return [];
      return [
        {
          file: connection.at.file,
          span: connection.at.span,
          message:
            `${who(connection)} logs in to ${poolerName(pooler)} as '${user}', who is not in its auth_file, and ` +
            `there is no auth_user to look passwords up with: the login fails.`,
          related: [settingRelated(pooler, 'auth_file', 'auth_file')],
        },
      ];
    });
  },
};
