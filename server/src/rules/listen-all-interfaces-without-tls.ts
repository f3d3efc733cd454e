import { hasClientKeyAndCert, isWildcardAddress, listenAddresses } from './support/tls';
import { fixes } from './rule';
import type { Rule } from './rule';

/** client_tls_sslmode values that refuse clients without TLS. */
const REQUIRED_TLS_MODES: ReadonlySet<string> = new Set(['require', 'verify-ca', 'verify-full']);

export const listenAllInterfacesWithoutTls: Rule = {
  id: 'listen-all-interfaces-without-tls',
  category: 'Security',
  severity: { production: 'warning', development: 'information' },
  title: 'PgBouncer listens on every interface and does not require TLS',
  docs: {
    why: 'listen_addr = * (or 0.0.0.0, or ::) makes PgBouncer accept connections on every network interface of the host, including ones added later, and when client_tls_sslmode does not require TLS nothing keeps those connections from being plain text. This rule is about exposure: which networks can reach PgBouncer at all. client-tls-not-required reports the missing encryption on the client_tls_sslmode line; this one reports the wide listen_addr. Inside a container, listening on every interface is normal and the exposure is decided by the published ports and the container network; then requiring TLS, or a private network, is what protects the traffic.',
    fix: 'List only the addresses clients use in listen_addr (for example 127.0.0.1 plus the private address of the application network), or require TLS with client_tls_sslmode = require. Restricting listen_addr changes who can connect, so that quick fix is never applied automatically.',
    correction:
      'The audit counts "Bind to localhost only" as compliant because Docker publishes the port as 127.0.0.1:6432. The configuration itself says listen_addr = 0.0.0.0: every container on sahool-network, and anything else that can reach the container, connects without TLS (client_tls_sslmode = prefer). The port mapping only limits access from the Docker host.',
    link: 'https://www.pgbouncer.org/config.html#listen_addr',
  },
  check(context) {
    const wildcard = listenAddresses(context).find(isWildcardAddress);
    if (wildcard === undefined) return [];
    const mode = context.word('client_tls_sslmode');
    if (REQUIRED_TLS_MODES.has(mode)) return [];
    const listen = context.value('listen_addr');
    const tls =
      mode === 'disable' || mode === 'disabled'
        ? `client TLS is off (client_tls_sslmode = ${mode})`
        : `clients need not use TLS (client_tls_sslmode = ${mode})`;
    // Which addresses clients use is known only to the user.
    const localOnly = context.setValue('listen_addr', '127.0.0.1', {
      kind: 'suggestion',
      title: 'Set listen_addr = 127.0.0.1 (only clients on this host)',
    });
    return context.finding(
      'listen_addr',
      `listen_addr = ${listen} accepts connections on every network interface of this host, and ${tls}. Listen only on the addresses clients use, or require TLS.`,
      fixes(
        // When client_tls_sslmode is not set, client-tls-not-required offers the same line to add;
        // two identical insertions would both be applied by "fix all".
        hasClientKeyAndCert(context) && context.isSet('client_tls_sslmode')
          ? context.setValue('client_tls_sslmode', 'require', { kind: 'recommended' })
          : null,
        localOnly,
      ),
    );
  },
};
