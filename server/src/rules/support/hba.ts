// PgBouncer's reading of an HBA file (src/hba.c), per release: which lines it drops with a log
// line ("could not parse hba config line N") and which it keeps but can never match. Only what
// decides that is modelled; names, addresses and methods are not evaluated against clients.

import { isIPv4, isIPv6 } from 'node:net';
import { availableIn } from '../../catalog/catalog';
import type { Version } from '../../catalog/catalog';

export interface HbaProblem {
  /** 1-based line of the HBA file. */
  line: number;
  /** Why, in our words, without quoting the file (it may name hosts and users). */
  reason: string;
  /** True when PgBouncer drops the line; false when it keeps a line that never matches. */
  dropped: boolean;
}

type Token = { kind: 'ident' | 'string'; text: string } | { kind: 'comma' | 'eol' | 'fail' };

/** hba.c's next_token over one line. */
function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const space = (c: string): boolean => /\s/.test(c);
  for (;;) {
    while (pos < line.length && space(line[pos])) pos++;
    if (pos >= line.length || line[pos] === '#') {
      tokens.push({ kind: 'eol' });
      return tokens;
    }
    const c = line[pos];
    if (c === ',') {
      tokens.push({ kind: 'comma' });
      pos++;
    } else if (c === '"') {
      let s = pos + 1;
      let text = '';
      for (; s < line.length; s++) {
        if (line[s] === '"') {
          if (line[s + 1] === '"') {
            text += '"';
            s++;
          } else break;
        } else text += line[s];
      }
      if (s >= line.length) {
        tokens.push({ kind: 'fail' });
        return tokens;
      }
      tokens.push({ kind: 'string', text });
      pos = s + 1;
    } else {
      let s = pos + 1;
      while (s < line.length && !/[,#"]/.test(line[s]) && !space(line[s])) s++;
      tokens.push({ kind: 'ident', text: line.slice(pos, s) });
      pos = s;
    }
  }
}

const TYPES = ['local', 'host', 'hostssl', 'hostnossl'];
const METHODS = ['trust', 'reject', 'md5', 'password', 'peer', 'cert', 'scram-sha-256'];

/** inet_pton: dotted quads without leading zeros, IPv6 without a zone. */
function family(address: string): 4 | 6 | null {
  if (isIPv6(address) && !address.includes('%')) return 6;
  if (isIPv4(address)) return 4;
  return null;
}

function maskBits(text: string, bits: 4 | 6): number | null {
  // strtoul base 10: an empty text is 0; a sign is read (a negative one wraps to a huge value).
  if (text === '') return 0;
  if (!/^[+-]?\d+$/.test(text)) return null;
  const value = Number(text);
  if (text.startsWith('-') && value !== 0) return null;
  return Math.abs(value) <= (bits === 4 ? 32 : 128) ? Math.abs(value) : null;
}

function addressBytes(address: string, fam: 4 | 6): number[] {
  if (fam === 4) return address.split('.').map(Number);
  const [head, tail = ''] = address.includes('::') ? address.split('::') : [address, ''];
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap(parseGroup));
  const parseGroup = (group: string): number[] =>
    group.includes('.') ? addressBytes(group, 4) : [parseInt(group, 16) >> 8, parseInt(group, 16) & 255];
  const front = groups(head);
  const back = groups(tail);
  return [...front, ...new Array<number>(16 - front.length - back.length).fill(0), ...back];
}

function outsideMask(address: number[], prefix: number): boolean {
  for (let i = 0; i < address.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    const mask = keep === 0 ? 0 : (255 << (8 - keep)) & 255;
    if ((address[i] & ~mask & 255) !== 0) return true;
  }
  return false;
}

/**
 * The problems of each line, as the target release reads the file. `identMaps` holds the map
 * names of auth_ident_file (1.23+), or null when they are not known here (then map= is trusted).
 */
export function hbaProblems(
  text: string,
  target: Version,
  identMaps: ReadonlySet<string> | null,
): HbaProblem[] {
  const problems: HbaProblem[] = [];
  const v123 = availableIn('1.23', target);
  const v125 = availableIn('1.25', target);
  text.split('\n').forEach((raw, index) => {
    const problem = lineProblem(tokenize(raw), v123, v125, identMaps);
    if (problem) problems.push({ line: index + 1, ...problem });
  });
  return problems;
}

function lineProblem(
  tokens: Token[],
  v123: boolean,
  v125: boolean,
  identMaps: ReadonlySet<string> | null,
): { reason: string; dropped: boolean } | null {
  let at = 0;
  const cur = (): Token => tokens[Math.min(at, tokens.length - 1)];
  const word = (): string | null => {
    const t = cur();
    return t.kind === 'ident' ? t.text : null;
  };
  const drop = (reason: string): { reason: string; dropped: boolean } => ({ reason, dropped: true });
  const type = word();
  if (type === null)
    return cur().kind === 'eol' ? null : drop('the connection type is not one PgBouncer knows');
  if (!TYPES.includes(type))
    return drop(
      `the connection type ${/^host(no)?gssenc$/.test(type) ? `${type} ` : ''}is not one PgBouncer knows (local, host, hostssl, hostnossl)`,
    );
  at++;
  for (const column of ['database', 'user']) {
    for (;;) {
      const t = cur();
      const w = word();
      if (w === 'samerole' || w === 'samegroup') return drop(`${w} is not supported`);
      if (w === 'replication' && !v123) return drop('the replication keyword is supported from 1.23 only');
      if (t.kind === 'ident' && t.text.startsWith('+'))
        return drop(`a +group in the ${column} column is not supported`);
      if (t.kind !== 'ident' && t.kind !== 'string')
        return drop(`the ${column} column is missing or malformed`);
      // @file names are read from a file; whether it opens here says nothing about the server.
      at++;
      if (cur().kind !== 'comma') break;
      at++;
    }
  }
  let never: string | null = null;
  if (type !== 'local') {
    const address = word();
    if (address === 'all' && v123) at++;
    else {
      if (address === null) return drop('the address is missing');
      const slash = address.indexOf('/');
      const host = slash >= 0 ? address.slice(0, slash) : address;
      const fam = family(host);
      if (fam === null)
        return drop(
          address === 'all' || address === 'samehost' || address === 'samenet'
            ? `the address keyword ${address} is not supported${address === 'all' ? ' before 1.23' : ''}`
            : 'the address is not a numeric IP address (host names are not supported)',
        );
      let prefix: number | null;
      at++;
      if (slash >= 0) {
        prefix = maskBits(address.slice(slash + 1), fam);
        if (prefix === null) return drop('the address mask is invalid');
      } else {
        const mask = word();
        if (mask === null) return drop('the address has no mask');
        const maskFamily = family(mask);
        if (maskFamily !== fam) return drop('the mask is not an address of the same family');
        at++;
        prefix = null;
        const bytes = addressBytes(host, fam);
        const maskBytes = addressBytes(mask, fam);
        if (bytes.some((b, i) => (b & ~maskBytes[i] & 255) !== 0))
          never = 'the address has bits set outside its mask, so the line never matches a client';
      }
      if (prefix !== null && outsideMask(addressBytes(host, fam), prefix))
        never = 'the address has bits set outside its mask, so the line never matches a client';
    }
  }
  const method = word();
  if (method === 'ldap' && v125) return never ? { reason: never, dropped: false } : null;
  if (method === null || !METHODS.includes(method))
    return drop(
      method && /^[a-z0-9-]+$/.test(method)
        ? `the method ${method} is not supported${method === 'ldap' ? ' before 1.25' : ''}`
        : 'the method is missing or not supported',
    );
  at++;
  const option = word();
  if (option !== null) {
    if (!v123) return drop('PgBouncer before 1.23 takes no options after the method');
    if (!option.startsWith('map=')) return drop('the only option PgBouncer takes after the method is map=');
    if (identMaps && !identMaps.has(option.slice(4))) return drop('the map= names no map of auth_ident_file');
    at++;
  }
  if (cur().kind !== 'eol') return drop('there is more after the method than PgBouncer takes');
  return never ? { reason: never, dropped: false } : null;
}

/** The map names of an ident file (map system-user pg-user per line). */
export function identMapNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const raw of text.split('\n')) {
    const tokens = tokenize(raw);
    const first = tokens[0];
    if (first.kind === 'ident' && tokens.length >= 4) names.add(first.text);
  }
  return names;
}
