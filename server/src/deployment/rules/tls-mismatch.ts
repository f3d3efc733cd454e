import { effectiveSslmode } from '../read/urls';
import type { DeploymentRule } from '../rule';
import { clientTlsMode, poolerName, settingRelated, TLS_REQUIRED, who } from './support';

export const tlsMismatch: DeploymentRule = {
  id: 'deployment-tls-mismatch',
  severity: 'warning',
  title: "A client's sslmode and PgBouncer's client_tls_sslmode cannot agree",
  docs: {
    why: 'A client that requires TLS (sslmode=require, verify-ca, verify-full) cannot connect to a PgBouncer with client_tls_sslmode = disable: the server says it does not support SSL. The other way round, a client with sslmode=disable is refused by a PgBouncer that requires TLS.',
    fix: "Set the client's sslmode to what the pooler offers, or change client_tls_sslmode (with client_tls_key_file and client_tls_cert_file) so that both agree.",
  },
  check(deployment) {
    return deployment.connections.flatMap((connection) => {
      if (connection.route.kind !== 'pooler') return [];
      const { pooler } = connection.route;
      const client = effectiveSslmode(connection.url);
      const server = clientTlsMode(pooler);
      let message: string | undefined;
      if (TLS_REQUIRED.has(client) && server === 'disable') {
        message =
          `${who(connection)} requires TLS (sslmode=${client}), but ${poolerName(pooler)} has client_tls_sslmode = ` +
          `disable: the connection fails ("server does not support SSL").`;
      } else if (client === 'disable' && TLS_REQUIRED.has(server)) {
        message =
          `${who(connection)} connects without TLS (sslmode=disable), but ${poolerName(pooler)} requires it ` +
          `(client_tls_sslmode = ${server}): the login is refused.`;
      }
      if (message === undefined) return [];
      return [
        {
          file: connection.at.file,
          span: connection.at.span,
          message,
          related: [settingRelated(pooler, 'client_tls_sslmode', `client_tls_sslmode = ${server}`)],
        },
      ];
    });
  },
};
