import { hasClientKeyAndCert, networkAddresses, OPTIONAL_TLS_MODES } from './support/tls';
import { fixes } from './rule';
import type { Rule } from './rule';

export const clientTlsNotRequired: Rule = {
  id: 'client-tls-not-required',
  category: 'Security',
  severity: { production: 'warning', development: 'information' },
  title: 'Clients may connect over the network without TLS',
  docs: {
    why: 'With client_tls_sslmode = disable PgBouncer never encrypts client connections; with allow or prefer it offers TLS but still accepts clients that do not use it. Either way queries and their results (and, with auth_type = plain, passwords) can cross the network unencrypted, where anyone on the path can read or alter them. With allow and prefer (the two are the same for clients) the choice is left to each client, and a client that does not ask for TLS, or an attacker in the middle who strips the request, gets a plain connection. The rule only fires when listen_addr names an address other hosts can reach: over loopback or the Unix socket the traffic never leaves the machine, so the rule stays quiet there.',
    fix: 'Configure client_tls_key_file and client_tls_cert_file and set client_tls_sslmode = require (or verify-ca / verify-full to also check client certificates). PgBouncer refuses to start when TLS is on without a key and certificate, so the quick fix is only offered when both are set. Most client libraries (libpq with its default sslmode = prefer) switch to TLS on their own once PgBouncer insists on it.',
    link: 'https://www.pgbouncer.org/config.html#client_tls_sslmode',
  },
  check(context) {
    const mode = context.word('client_tls_sslmode');
    if (!OPTIONAL_TLS_MODES.has(mode)) return [];
    const reachable = networkAddresses(context);
    if (reachable.length === 0) return [];
    const where = `listen_addr = ${context.value('listen_addr')}`;
    const problem =
      mode === 'disable' || mode === 'disabled'
        ? `client_tls_sslmode = ${mode}: clients connecting over the network (${where}) cannot use TLS, so queries and their results cross the network unencrypted.`
        : `client_tls_sslmode = ${mode} accepts clients that do not use TLS, so queries and their results from the network (${where}) may cross it unencrypted.`;
    if (hasClientKeyAndCert(context)) {
      return context.finding(
        'client_tls_sslmode',
        `${problem} Set client_tls_sslmode = require; the key and certificate are already configured.`,
        fixes(context.setValue('client_tls_sslmode', 'require', { kind: 'recommended' })),
      );
    }
    return context.finding(
      'client_tls_sslmode',
      `${problem} Configure client_tls_key_file and client_tls_cert_file, then set client_tls_sslmode = require.`,
    );
  },
};
