import { tlsIsOn } from './support/tls';
import { badProtocolWord, enabledProtocols } from '../catalog/tls';
import { fixes } from './rule';
import type { Rule, RuleFinding } from './rule';

const TLS1_0 = 1 << 1;
const TLS1_1 = 1 << 2;

// Read as libusual's tls_config_parse_protocols reads it (shared with the TLS 1.3 suites check).
export { enabledProtocols };

export const tlsOldProtocols: Rule = {
  id: 'tls-old-protocols',
  category: 'Security',
  severity: { production: 'warning', development: 'information' },
  title: 'TLS 1.0 or 1.1 is allowed',
  docs: {
    why: 'TLS 1.0 and 1.1 were deprecated by RFC 8996 in 2021: they rely on SHA-1 and MD5 in the handshake and lack the modern AEAD cipher suites, and allowing them lets an attacker in the middle try to push a connection down to them. The words all and tlsv1 (and legacy, in the versions that still accept it) turn on every version including 1.0 and 1.1; tlsv1.0 and tlsv1.1 name them directly. Whether an old version can really be negotiated also depends on the OpenSSL build and its system policy (OpenSSL 3 at its default security level refuses them), but the setting should not ask for them. The rule only looks at a side where TLS is on.',
    fix: 'Set client_tls_protocols / server_tls_protocols = secure (TLS 1.2 and 1.3), the default since PgBouncer 1.13, or tlsv1.3 alone when every peer supports it.',
    link: 'https://www.pgbouncer.org/config.html#client_tls_protocols',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const side of ['client', 'server'] as const) {
      if (!tlsIsOn(context, side)) continue;
      const name = `${side}_tls_protocols`;
      const value = context.value(name);
      // An empty value keeps the library default; an unknown word is PgBouncer's own error.
      if (value === '' || badProtocolWord(value, context.target) !== null) continue;
      const enabled = enabledProtocols(value);
      const old = [enabled & TLS1_0 ? 'TLS 1.0' : '', enabled & TLS1_1 ? 'TLS 1.1' : ''].filter(Boolean);
      if (old.length === 0) continue;
      findings.push(
        ...context.finding(
          name,
          `${name} = ${value} allows ${old.join(' and ')}, which ${old.length === 1 ? 'is' : 'are'} deprecated and weak, on ${side === 'client' ? 'client connections' : 'connections to PostgreSQL'}. Set it to secure (TLS 1.2 and 1.3).`,
          fixes(context.setValue(name, 'secure', { kind: 'recommended' })),
        ),
      );
    }
    return findings;
  },
};
