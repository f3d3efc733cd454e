// What the TLS and listener rules ask of a configuration: the listen addresses, whether TLS is on
// for a side, whether the client side has a key and a certificate.

import type { RuleContext } from '../rule';

/** client_tls_sslmode / server_tls_sslmode values that let a connection go unencrypted. */
export const OPTIONAL_TLS_MODES: ReadonlySet<string> = new Set(['disable', 'disabled', 'allow', 'prefer']);

/** The listen_addr items, split and trimmed the way PgBouncer's parse_word_list does. */
export function listenAddresses(context: RuleContext): string[] {
  return context.list('listen_addr');
}

/** An address only this host can reach: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackAddress(address: string): boolean {
  const lower = address.toLowerCase();
  return (
    lower === 'localhost' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower) ||
    /^(0{0,4}:){2,7}0{0,3}1$/.test(lower) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower)
  );
}

/** "*", 0.0.0.0 or "::": every interface of the host. */
export function isWildcardAddress(address: string): boolean {
  return (
    address === '*' || /^0+(\.0+){3}$/.test(address) || (address.includes(':') && /^[0:]+$/.test(address))
  );
}

/** listen_addr items other hosts can connect to (everything but loopback). */
export function networkAddresses(context: RuleContext): string[] {
  return listenAddresses(context).filter((address) => !isLoopbackAddress(address));
}

/** True when PgBouncer has a key and a certificate to offer TLS to clients with. */
export function hasClientKeyAndCert(context: RuleContext): boolean {
  return context.value('client_tls_key_file') !== '' && context.value('client_tls_cert_file') !== '';
}

/** True when PgBouncer sets up TLS for this side ('server' or 'client'). */
export function tlsIsOn(context: RuleContext, side: 'server' | 'client'): boolean {
  const mode = context.word(`${side}_tls_sslmode`);
  return mode !== '' && mode !== 'disable' && mode !== 'disabled';
}
