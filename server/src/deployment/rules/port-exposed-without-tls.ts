import type { DeploymentRule } from '../rule';
import { clientTlsMode, editInValue, poolerName, settingRelated, TLS_REQUIRED } from './support';

const ALL_INTERFACES = new Set(['', '0.0.0.0', '::', '[::]']);

export const portExposedWithoutTls: DeploymentRule = {
  id: 'deployment-port-exposed-without-tls',
  severity: 'warning',
  title: "PgBouncer's port is published on all interfaces while client TLS is not required",
  docs: {
    why: 'A port published as "6432:6432" (or a LoadBalancer or NodePort Service) is reachable from every network the host is on. Without client_tls_sslmode = require, passwords and query results cross those networks in clear text, and anyone who can reach the port can try logins.',
    fix: 'Publish the port on loopback only ("127.0.0.1:6432:6432") when only the host needs it, or require TLS from clients (client_tls_sslmode = require with a key and certificate).',
  },
  check(deployment) {
    return deployment.poolers.flatMap((pooler) => {
      const mode = clientTlsMode(pooler);
      if (TLS_REQUIRED.has(mode)) return [];
      return pooler.publishedPorts.flatMap((port) => {
        if (port.protocol !== 'tcp' || !ALL_INTERFACES.has(port.hostIp ?? '')) return [];
        if (port.internal) return [];
        // Short syntax as written ("6432:5432", "0.0.0.0:6432:5432"): bound to loopback instead.
        const written = `${port.published ?? ''}:${port.target}`;
        const edit =
          port.hostIp === undefined
            ? editInValue(deployment.texts, port.at, written, `127.0.0.1:${written}`)
            : editInValue(deployment.texts, port.at, `${port.hostIp}:${written}`, `127.0.0.1:${written}`);
        return [
          {
            ...(edit && {
              fixes: [
                { title: 'Publish the port on 127.0.0.1 only', edits: [edit], kind: 'suggestion' as const },
              ],
            }),
            file: port.at.file,
            span: port.at.span,
            message:
              `${poolerName(pooler)} is published on port ${port.published ?? port.target} of all interfaces, and ` +
              `client_tls_sslmode = ${mode}: logins and data cross the network unencrypted. Bind it to 127.0.0.1 ` +
              `or require TLS.`,
            related: [settingRelated(pooler, 'client_tls_sslmode', `client_tls_sslmode = ${mode}`)],
          },
        ];
      });
    });
  },
};
