import { OPTIONAL_TLS_MODES, isLoopbackAddress } from './support/tls';
import type { ConnectionEntry } from '../model/effective';
import { fixes } from './rule';
import type { RelatedInfo } from '../findings/finding';
import type { Rule } from './rule';

/**
 * A host= value PgBouncer reaches without leaving the machine: a Unix socket directory (starting
 * with / or, for Linux abstract sockets, @) or a loopback address. PgBouncer never uses TLS over
 * a Unix socket.
 */
function isLocalHost(host: string): boolean {
  let local = localHosts.get(host);
  if (local === undefined) {
    local = host.startsWith('/') || host.startsWith('@') || isLoopbackAddress(host);
    // Thousands of databases name a handful of hosts: each is classified once.
    if (localHosts.size >= 10_000) localHosts.clear();
    localHosts.set(host, local);
  }
  return local;
}

const localHosts = new Map<string, boolean>();

/** The remote hosts of a database entry; no host= means the Unix socket. */
function remoteHosts(entry: ConnectionEntry): string[] {
  const host = entry.params.get('host');
  if (!host) return [];
  if (!host.value.includes(',')) {
    const item = host.value.trim();
    return item === '' || isLocalHost(item) ? [] : [item];
  }
  return host.value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '' && !isLocalHost(item));
}

export const serverTlsNotVerified: Rule = {
  id: 'server-tls-not-verified',
  category: 'Security',
  severity: { production: 'warning', development: 'information' },
  title: 'Connections to PostgreSQL over the network may be unencrypted',
  docs: {
    why: 'server_tls_sslmode = disable never encrypts the connections PgBouncer opens to PostgreSQL. allow and prefer ask the server for TLS but carry on in plain text when it is refused, and never check the certificate, so anyone who can intercept the connection can answer "no TLS" or present any certificate, then read or change queries, results and the login exchange. The default is disable up to PgBouncer 1.19 and prefer from 1.20. Databases reached over a Unix socket (no host=, or a path) or loopback are left out: that traffic never leaves the machine. server_tls_ca_file is only read in verify-ca and verify-full modes; with prefer it has no effect.',
    fix: 'Set server_tls_sslmode = verify-full and server_tls_ca_file to the CA that signed the PostgreSQL certificates, so the connection is encrypted and the server proven to be the host named in host=. If there is no CA to verify against yet, require at least guarantees encryption. Both refuse servers without TLS, so check that PostgreSQL has ssl = on first; the quick fix is therefore not applied automatically.',
    correction:
      'The audit lists server_tls_ca_file = /etc/pgbouncer/certs/ca.crt next to server_tls_sslmode = prefer as "certificate verification". With prefer PgBouncer never loads that CA file: no certificate is verified until the mode is verify-ca or verify-full, and require alone would still not verify it.',
    link: 'https://www.pgbouncer.org/config.html#server_tls_sslmode',
  },
  check(context) {
    const mode = context.word('server_tls_sslmode');
    if (!OPTIONAL_TLS_MODES.has(mode)) return [];
    const remote: { entry: ConnectionEntry; hosts: string[] }[] = [];
    for (const entry of context.databases) {
      const hosts = remoteHosts(entry);
      if (hosts.length > 0) remote.push({ entry, hosts });
    }
    if (remote.length === 0) return [];
    const first = remote[0];
    const others = remote.length - 1;
    const where = `${first.hosts[0]} (database ${first.entry.name})${others > 0 ? ` and ${others} more database${others === 1 ? '' : 's'}` : ''}`;
    const off = mode === 'disable' || mode === 'disabled';
    const problem = off
      ? `server_tls_sslmode = ${mode}: connections to ${where} are not encrypted.`
      : `server_tls_sslmode = ${mode}: connections to ${where} fall back to plain text when TLS is refused, and the server certificate is never checked.`;
    const hasCa = context.value('server_tls_ca_file') !== '';
    const caNote = !hasCa
      ? ''
      : off
        ? ' server_tls_ca_file is set but unused while TLS is off.'
        : ' server_tls_ca_file is set but only verify-ca and verify-full use it.';
    const advice = hasCa
      ? ' Set server_tls_sslmode = verify-full.'
      : ' Set server_tls_sslmode = verify-full with server_tls_ca_file, or at least require.';
    const related: RelatedInfo[] = remote.slice(0, 5).map(({ entry, hosts }) => {
      const host = entry.params.get('host');
      return {
        file: entry.at.file.path,
        span: host ? host.valueSpan : entry.at.entry.key.span,
        message: `Database ${entry.name} connects to ${hosts.join(', ')} over the network.`,
      };
    });
    const target = hasCa ? 'verify-full' : 'require';
    return context.finding(
      'server_tls_sslmode',
      `${problem}${caNote}${advice}`,
      fixes(
        context.setValue('server_tls_sslmode', target, {
          kind: 'recommended',
          title: `Set server_tls_sslmode = ${target}`,
        }),
      ),
      related,
    );
  },
};
