import type { DeploymentRule } from '../rule';
import { editInValue, poolerName, target, who } from './support';

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
      // The port as written after the host: replaced by the one port the pooler is reached on.
      const first = connection.url.hosts[0];
      const edit =
        expectedPorts.length === 1 && first?.port !== undefined
          ? editInValue(
              deployment.texts,
              connection.at,
              `${first.host}:${first.port}`,
              `${first.host}:${expectedPorts[0]}`,
            )
          : undefined;
      return [
        {
          ...(edit && {
            fixes: [{ title: `Use port ${expectedPorts[0]}`, edits: [edit], kind: 'recommended' as const }],
          }),
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
