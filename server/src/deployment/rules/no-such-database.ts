import type { DeploymentRule } from '../rule';
import { databaseOf, poolerName, who } from './support';

export const noSuchDatabase: DeploymentRule = {
  id: 'deployment-no-such-database',
  severity: 'warning',
  title: 'A connection through PgBouncer names a database it does not serve',
  docs: {
    why: 'PgBouncer only serves the databases of its [databases] section (and any name when a "*" entry is there). Any other name is refused at login with "no such database", so the service cannot connect at all.',
    fix: 'Use one of the names of [databases] in the connection URL, or add an entry for this database (or a "*" fallback) to the PgBouncer configuration.',
  },
  check(deployment) {
    return deployment.connections.flatMap((connection) => {
      if (connection.route.kind !== 'pooler') return [];
      const { pooler } = connection.route;
      const database = databaseOf(connection);
      if (database === undefined || pooler.fallback) return [];
      // The admin console is a database of its own.
      if (database === 'pgbouncer') return [];
      if (pooler.backends.some((backend) => backend.database === database)) return [];
      // A generated ini that could not say its databases tells nothing.
      if (pooler.backends.length === 0 && pooler.generated) return [];
      const names = pooler.backends.map((backend) => backend.database);
      const served =
        names.length === 0 ? 'no database' : names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');
      return [
        {
          file: connection.at.file,
          span: connection.at.span,
          message:
            `${who(connection)} asks ${poolerName(pooler)} for database '${database}', which its [databases] ` +
            `section does not have (it serves ${served}, and no '*' fallback): the login fails with "no such database".`,
          related: [{ ...pooler.place, message: `${poolerName(pooler)}` }],
        },
      ];
    });
  },
};
