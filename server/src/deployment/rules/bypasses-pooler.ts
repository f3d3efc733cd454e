import type { DeploymentRule } from '../rule';
import { backendPlace, poolerName, target, who } from './support';

export const bypassesPooler: DeploymentRule = {
  id: 'deployment-bypasses-pooler',
  severity: 'warning',
  title: 'A service connects straight to a PostgreSQL server that PgBouncer pools',
  docs: {
    why: 'Connections that go around the pooler are not counted against its limits and hold a server connection each for as long as they are open: the server runs out of connections while PgBouncer still thinks it has room, and the timeouts and pool sizes set for the pooler do not apply to them. Migrations, administration, the pooler itself and exporters are expected to connect directly and are never reported.',
    fix: "Point the service's connection URL at PgBouncer (its host name and listen port, the [databases] name that serves this server). If the connection is for migrations or administration, name the variable for it (e.g. DIRECT_URL, MIGRATION_DATABASE_URL) or run it as a migration job.",
  },
  check(deployment) {
    return deployment.connections.flatMap((connection) => {
      if (connection.purpose !== 'runtime' || connection.route.kind !== 'backend') return [];
      const { pooler, backend } = connection.route;
      return [
        {
          file: connection.at.file,
          span: connection.at.span,
          message:
            `${who(connection)} connects to ${target(connection)} directly, bypassing ${poolerName(pooler)}, ` +
            (backend.database === '*'
              ? `which serves every database of that server (its '*' entry). `
              : `which serves that server as database '${backend.database}'. `) +
            `Its connections are not pooled and not counted against the pooler's limits.`,
          related: [
            { ...backendPlace(pooler, backend), message: `the [databases] entry '${backend.database}'` },
          ],
        },
      ];
    });
  },
};
