import type { Rule, RuleFinding } from './rule';

export const tlsVerifyWithoutCa: Rule = {
  id: 'tls-verify-without-ca',
  category: 'Security',
  severity: { production: 'warning', development: 'information' },
  title: 'Certificates are verified against the system CA bundle instead of your own CA',
  docs: {
    why: "When server_tls_ca_file (or client_tls_ca_file) is empty, PgBouncer's TLS library does not go without a CA: it falls back to the CA bundle chosen when PgBouncer was built, the operating system's list of public certificate authorities (for example /etc/ssl/certs/ca-certificates.crt on Debian and Ubuntu). server_tls_sslmode = verify-ca checks only that the PostgreSQL certificate chains to one of those authorities, not the host name, so any certificate any public CA ever issued, to anyone for any domain, passes. client_tls_sslmode = verify-ca likewise accepts every client certificate a public CA issued. With a private CA, on the other hand, nothing verifies and every connection fails. verify-full towards servers also checks the host name, which is sound with publicly issued certificates, so it is not reported; client_tls_sslmode = verify-full without client_tls_ca_file makes PgBouncer refuse to start and is reported as an error.",
    fix: 'Set server_tls_ca_file (or client_tls_ca_file) to the CA certificate that issued your PostgreSQL server certificates (or your client certificates). Towards servers, prefer verify-full, which also checks the host name. There is no automatic fix: only you know which CA file to trust.',
    link: 'https://www.pgbouncer.org/config.html#server_tls_ca_file',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    if (context.word('server_tls_sslmode') === 'verify-ca' && context.value('server_tls_ca_file') === '') {
      findings.push(
        ...context.finding(
          'server_tls_sslmode',
          'server_tls_sslmode = verify-ca without server_tls_ca_file checks PostgreSQL certificates against the public CAs of the system bundle and ignores the host name, so any certificate from any public CA is accepted. Set server_tls_ca_file to the CA that signed your server certificates.',
        ),
      );
    }
    if (context.word('client_tls_sslmode') === 'verify-ca' && context.value('client_tls_ca_file') === '') {
      findings.push(
        ...context.finding(
          'client_tls_sslmode',
          'client_tls_sslmode = verify-ca without client_tls_ca_file accepts any client certificate issued by a public CA of the system bundle. Set client_tls_ca_file to the CA that issues your client certificates.',
        ),
      );
    }
    return findings;
  },
};
