import type { DeploymentRule } from '../rule';
import { poolerName, target, who } from './support';

export const wrongPort: DeploymentRule = {
  id: 'deployment-wrong-port',
  severity: 'warning',
  title: "A connection to PgBouncer's host uses a port it does not listen on",
  docs: {
    why: "A client that names the pooler's host with PostgreSQL's port (5432) or an old port reaches nothing, or something else: PgBouncer listens on listen_port inside its network and on the published ports outside it.",
    fix: "Use the pooler's listen_port from inside the compose project or cluster, and a published port from the host.",
  },
  check(deployment) {
    return deployment.connections.flatMap((connection) => {
      if (connection.route.kind !== 'pooler' || connection.route.portMatches) return [];
      const { pooler, expectedPorts } = connection.route;
      if (expectedPorts.length === 0) return [];
      return [
        {
          file: connection.at.file,
          span: connection.at.span,
          message:
            `${who(connection)} connects to ${target(connection)}, but ${poolerName(pooler)} is reached on port ` +
            `${expectedPorts.join(' or ')} from there.`,
          related: [{ ...pooler.place, message: `${poolerName(pooler)} listens on ${pooler.listenPort}` }],
        },
      ];
    });
  },
};
