// TLS settings taken together, after the pass: what PgBouncer needs once an sslmode enables TLS,
// and protocol, cipher, DH and curve settings it refuses when it sets TLS up.

import {
  TLS1_3,
  badProtocolWord,
  checkCipherList,
  cipherSuitesProblem,
  ecdhCurveProblem,
  enabledProtocols,
  validDheParams,
} from '../catalog/tls';
import type { Check, CheckContext } from './check';

const VALID_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

export const tlsSettings: Check = {
  name: 'TLS settings',
  reports: ['tls-files-required', 'invalid-tls-setting', 'ignored-text'],
  afterPass(context) {
    if (context.mainHeaderCount === 0) return;
    const { target } = context;
    const settings = context.mainSettings;
    const value = (name: string): string => context.mainValue(name);
    const clientMode = value('client_tls_sslmode').toLowerCase();
    const serverMode = value('server_tls_sslmode').toLowerCase();
    const authType = value('auth_type').toLowerCase();
    const report = (names: string[], message: string, code = 'tls-files-required'): void =>
      reportAtSetting(context, names, message, code);
    if (VALID_MODES.has(clientMode) && clientMode !== 'disable') {
      const missing = ['client_tls_key_file', 'client_tls_cert_file'].filter((n) => value(n) === '');
      if (missing.length > 0) {
        report(
          ['client_tls_sslmode'],
          `client_tls_sslmode = ${clientMode} enables TLS for clients, but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set; PgBouncer refuses to start.`,
        );
      }
    }
    if (authType === 'cert') {
      if (clientMode !== 'verify-full') {
        report(
          ['auth_type'],
          `auth_type = cert needs client_tls_sslmode = verify-full; PgBouncer refuses to start.`,
        );
      } else if (value('client_tls_ca_file') === '') {
        report(
          ['auth_type'],
          `auth_type = cert needs client_tls_ca_file to verify client certificates; PgBouncer refuses to start.`,
        );
      }
    } else if (clientMode === 'verify-full' && value('client_tls_ca_file') === '') {
      report(
        ['client_tls_sslmode'],
        `client_tls_sslmode = verify-full needs client_tls_ca_file to verify client certificates; PgBouncer refuses to start.`,
      );
    }
    const sides: [string, string][] = [
      ['server', serverMode],
      ['client', clientMode],
    ];
    for (const [side, mode] of sides) {
      if (!VALID_MODES.has(mode) || mode === 'disable') continue;
      const protocolsName = `${side}_tls_protocols`;
      const badWord = badProtocolWord(value(protocolsName), target);
      if (badWord !== null) {
        report(
          [protocolsName],
          `Unknown TLS protocol '${badWord}' in ${protocolsName}; PgBouncer refuses to start when it sets up TLS. Use secure, all, or tlsv1.2/tlsv1.3 (a list may use ',' or ':').`,
          'invalid-tls-setting',
        );
      }
      const ciphersName = `${side}_tls_ciphers`;
      const ciphers = checkCipherList(value(ciphersName), target);
      const ciphersAt = settings.get(ciphersName);
      if (ciphers.selectsNothing && ciphers.reason !== undefined) {
        report(
          [ciphersName],
          `OpenSSL refuses ${ciphersName} = ${value(ciphersName)} (${ciphers.reason}); PgBouncer refuses to start. @SECLEVEL takes 0 to 5.`,
          'invalid-tls-setting',
        );
      } else if (ciphers.selectsNothing) {
        report(
          [ciphersName],
          `${ciphersName} selects no cipher OpenSSL knows${ciphers.unknownWords.length > 0 ? ` (unknown: ${ciphers.unknownWords.slice(0, 3).join(', ')})` : ''}; PgBouncer refuses to start. Use default, or an OpenSSL cipher list such as HIGH:!aNULL (names are case-sensitive).`,
          'invalid-tls-setting',
        );
      } else if (ciphers.unknownWords.length > 0 && ciphersAt) {
        context.report(
          ciphersAt.file,
          ciphersAt.entry.value.span,
          'ignored-text',
          `OpenSSL does not know ${ciphers.unknownWords.map((w) => `'${w}'`).join(', ')} or finds no cipher suite for ${ciphers.unknownWords.length === 1 ? 'it' : 'them'}, and silently skips ${ciphers.unknownWords.length === 1 ? 'it' : 'them'}.${ciphers.unknownWords.some((w) => w.startsWith('TLS_')) ? ` TLS 1.3 suites are not part of this list: they are set with ${side}_tls13_ciphers (PgBouncer 1.25+).` : ''}`,
        );
      }
      // 1.25+: the TLS 1.3 suites go to SSL_CTX_set_ciphersuites when the context is made, and only
      // when TLS 1.3 is among the protocols: at start-up for clients, at each connection for servers.
      const suitesName = `${side}_tls13_ciphers`;
      const suitesProblem = cipherSuitesProblem(value(suitesName));
      if (suitesProblem !== null && (enabledProtocols(value(protocolsName)) & TLS1_3) !== 0) {
        reportAtSetting(
          context,
          [suitesName],
          side === 'client'
            ? `Invalid ${suitesName} '${value(suitesName)}': ${suitesProblem}. PgBouncer refuses to start.`
            : `Invalid ${suitesName} '${value(suitesName)}': ${suitesProblem}. PgBouncer starts, but every TLS connection to a server fails.`,
          'invalid-tls-setting',
          side === 'client' ? undefined : 'warning',
        );
      }
      if (side === 'client') {
        const dheparams = value('client_tls_dheparams');
        if (!validDheParams(dheparams, target)) {
          report(
            ['client_tls_dheparams'],
            `Invalid client_tls_dheparams '${dheparams}'; use none or auto. PgBouncer refuses to start.`,
            'invalid-tls-setting',
          );
        }
        const curve = value('client_tls_ecdhcurve');
        const problem = ecdhCurveProblem(curve);
        if (problem !== null) {
          report(
            ['client_tls_ecdhcurve'],
            `Invalid client_tls_ecdhcurve '${curve}': ${problem}. PgBouncer refuses to start.`,
            'invalid-tls-setting',
          );
        }
      }
    }
  },
};

/** At the value of the first of `names` that is set, else at the top of the main file. */
function reportAtSetting(
  context: CheckContext,
  names: string[],
  message: string,
  code: string,
  severity?: 'warning',
): void {
  const extras = severity ? { severity } : undefined;
  const located = names.map((name) => context.mainSettings.get(name)).find((x) => x !== undefined);
  if (located) context.report(located.file, located.entry.value.span, code, message, extras);
  else context.report(context.model.root, { start: 0, end: 0 }, code, message, extras);
}
