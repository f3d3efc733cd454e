import type { DeploymentRule } from '../rule';
import { who } from './support';

export const invalidUrl: DeploymentRule = {
  id: 'deployment-invalid-url',
  severity: 'warning',
  title: 'A connection string that the client library cannot read',
  docs: {
    why: 'A connection string with a bad port, an unterminated quote or a broken escape is refused by the client library before it connects, so the service cannot start.',
    fix: 'Correct the connection string; percent-encode special characters in the user name and password.',
  },
  check(deployment) {
    return deployment.connections.flatMap((connection) =>
      connection.url.problems.length === 0
        ? []
        : [
            {
              file: connection.at.file,
              span: connection.at.span,
              message: `${who(connection)}: ${connection.url.problems.join('; ')}.`,
            },
          ],
    );
  },
};
