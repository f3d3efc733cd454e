import { GRAMMAR, removedBy } from '../catalog/catalog';
import { checkCipherList } from '../catalog/tls';
import { fixes } from './rule';
import type { Rule, RuleFinding } from './rule';
import { tlsIsOn } from './support/tls';

type WeakClass = 'aNULL' | 'eNULL' | 'EXPORT' | 'DES' | 'RC4' | '3DES' | 'MD5';

const ORDER: readonly WeakClass[] = ['aNULL', 'eNULL', 'EXPORT', 'DES', 'RC4', '3DES', 'MD5'];

const LABELS: Record<WeakClass, string> = {
  aNULL: 'anonymous suites without server authentication (aNULL)',
  eNULL: 'unencrypted suites (eNULL)',
  EXPORT: 'export-grade suites',
  DES: 'single-DES suites (LOW)',
  RC4: 'RC4',
  '3DES': '3DES',
  MD5: 'MD5',
};

/** What OpenSSL cipher-string aliases (case-sensitive, like OpenSSL) bring in, among the weak classes. */
const ALIASES: Record<string, WeakClass[]> = {
  // ALL is everything except eNULL: anonymous suites included, and on older OpenSSL builds the rest.
  ALL: ['aNULL', 'EXPORT', 'DES', 'RC4', '3DES', 'MD5'],
  COMPLEMENTOFALL: ['eNULL'],
  eNULL: ['eNULL'],
  NULL: ['eNULL'],
  aNULL: ['aNULL'],
  ADH: ['aNULL'],
  AECDH: ['aNULL'],
  COMPLEMENTOFDEFAULT: ['aNULL'],
  LOW: ['DES'],
  DES: ['DES'],
  EXPORT: ['EXPORT'],
  EXP: ['EXPORT'],
  EXPORT40: ['EXPORT'],
  EXPORT56: ['EXPORT'],
  RC4: ['RC4'],
  '3DES': ['3DES'],
  MD5: ['MD5'],
};

/** Weak classes of one word: an alias, or a suite name such as ADH-AES256-SHA or DES-CBC3-SHA. */
function classesOfWord(word: string): WeakClass[] {
  if (Object.hasOwn(ALIASES, word)) return ALIASES[word];
  if (!word.includes('-')) return [];
  const parts = word.split('-');
  const found = new Set<WeakClass>();
  if (parts[0] === 'ADH' || parts[0] === 'AECDH') found.add('aNULL');
  if (parts[0].startsWith('EXP')) found.add('EXPORT');
  if (parts.includes('NULL')) found.add('eNULL');
  if (parts.some((part) => part.startsWith('RC4'))) found.add('RC4');
  if (parts.includes('CBC3') || parts.includes('3DES')) found.add('3DES');
  parts.forEach((part, index) => {
    if (part === 'DES' && parts[index + 1] === 'CBC') found.add('DES');
  });
  if (parts[parts.length - 1] === 'MD5') found.add('MD5');
  return [...found];
}

/** A combination such as 3DES+RSA selects what all of its weak parts have in common. */
function classesOfElement(element: string): WeakClass[] {
  const weakParts = element
    .split('+')
    .map(classesOfWord)
    .filter((classes) => classes.length > 0);
  if (weakParts.length === 0) return [];
  return weakParts.reduce((common, classes) => common.filter((c) => classes.includes(c)));
}

/**
 * The weak classes an OpenSSL cipher string still selects at its end: positive words add,
 * "-X" takes out (later words may add back), "!X" takes out for good, "+X" only reorders.
 */
export function weakClasses(value: string): WeakClass[] {
  const active = new Set<WeakClass>();
  const killed = new Set<WeakClass>();
  for (const element of value.split(/[:, ;]+/)) {
    if (element === '' || element.startsWith('@') || element.startsWith('+')) continue;
    const first = element[0];
    const word = first === '!' || first === '-' ? element.slice(1) : element;
    const classes = classesOfElement(word);
    for (const c of classes) {
      if (first === '!') killed.add(c);
      else if (first === '-') active.delete(c);
      else active.add(c);
    }
  }
  return ORDER.filter((c) => active.has(c) && !killed.has(c));
}

/** libtls keywords (before PgBouncer 1.21 gave them to OpenSSL unchanged) and what they stood for. */
const WEAK_KEYWORDS: Record<string, string> = {
  insecure:
    'is the old "insecure" list (ALL:!aNULL:!eNULL): every cipher suite the OpenSSL build has except anonymous and unencrypted ones, including suites without forward secrecy and, where OpenSSL still has them, RC4, 3DES, single DES, export-grade and MD5 suites',
  compat:
    'is the old compatibility list (HIGH:+3DES:!aNULL): it keeps suites without forward secrecy (RSA key exchange) and CBC suites with SHA-1, and 3DES on OpenSSL 1.0',
};
WEAK_KEYWORDS.all = WEAK_KEYWORDS.insecure;
WEAK_KEYWORDS.legacy = WEAK_KEYWORDS.compat;

export const tlsWeakCiphers: Rule = {
  id: 'tls-weak-ciphers',
  category: 'Security',
  severity: { production: 'warning', development: 'information' },
  title: 'Weak TLS cipher suites are allowed',
  docs: {
    why: 'client_tls_ciphers and server_tls_ciphers choose the cipher suites of TLS 1.2 and older. Anonymous suites (aNULL) skip authentication, so anyone in the middle can take part in the handshake; eNULL suites do not encrypt at all; export-grade, single-DES (LOW), RC4, 3DES and MD5-based suites are broken or too weak. They get in through the keywords insecure/all and compat/legacy (in PgBouncer versions where they are keywords), or through OpenSSL words such as ALL, COMPLEMENTOFALL, aNULL, eNULL, NULL, LOW, EXPORT, RC4, DES, 3DES and MD5 when they are not excluded with "!". Current OpenSSL 3 builds no longer ship most of them, but the setting should not depend on that. The rule only looks at a side where TLS is on.',
    fix: 'Set the setting to default: up to PgBouncer 1.20 that is a list of forward-secret AEAD suites, from 1.21 on the OpenSSL and system-wide policy defaults. A custom list should end with exclusions such as !aNULL:!eNULL:!LOW:!EXPORT:!RC4:!3DES:!MD5.',
    link: 'https://www.pgbouncer.org/config.html#client_tls_ciphers',
  },
  check(context) {
    const keywords = new Set(
      GRAMMAR.tls.cipherKeywords
        .filter((keyword) => !removedBy(keyword.removedIn, context.target))
        .map((keyword) => keyword.name.toLowerCase()),
    );
    const findings: RuleFinding[] = [];
    for (const side of ['client', 'server'] as const) {
      if (!tlsIsOn(context, side)) continue;
      const name = `${side}_tls_ciphers`;
      const value = context.value(name);
      if (value === '') continue;
      let problem: string | null = null;
      const lower = value.toLowerCase();
      if (keywords.has(lower)) {
        if (Object.hasOwn(WEAK_KEYWORDS, lower)) problem = `${name} = ${value} ${WEAK_KEYWORDS[lower]}.`;
      } else if (!checkCipherList(value, context.target).selectsNothing) {
        const weak = weakClasses(value);
        if (weak.length > 0) {
          problem = `${name} = ${value} asks OpenSSL for weak cipher suites: ${weak.map((c) => LABELS[c]).join(', ')}.`;
        }
      }
      if (problem === null) continue;
      findings.push(
        ...context.finding(
          name,
          `${problem} Set it to default.`,
          fixes(context.setValue(name, 'default', { kind: 'recommended' })),
        ),
      );
    }
    return findings;
  },
};
