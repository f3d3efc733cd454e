// Every place a configuration names a database or a user: the keys of [databases] and [users]
// (definitions) and the settings and connection-string parameters that refer to them.

import type { ConfigModel, LoadedFile } from '../model/config';
import { parseConnString } from '../syntax/connstring';
import { isCSpace } from '../syntax/parser';
import type { Entry, Span } from '../syntax/syntax';
import { touches } from './structure-model';

export type NameKind = 'database' | 'user';

export interface NameSite {
  kind: NameKind;
  role: 'definition' | 'reference';
  name: string;
  file: LoadedFile;
  /** The text naming it: a key (quotes included), a value or a parameter value (quotes included). */
  span: Span;
  /** What refers to it, for messages: "auth_dbname", "user= of database 'app'". */
  via: string;
}

/** [pgbouncer] settings whose whole value names a database or a user. */
const MAIN_SINGLE: Record<string, NameKind> = { auth_dbname: 'database', auth_user: 'user' };
/** [pgbouncer] settings holding a comma-separated list of user names. */
const MAIN_LISTS = new Set(['admin_users', 'stats_users']);
/** Connection-string parameters of [databases] that name a database or a user. */
const DATABASE_PARAMS: Record<string, NameKind> = {
  auth_dbname: 'database',
  user: 'user',
  auth_user: 'user',
};

/**
 * The name sites of every file of the configuration, each once (a file included twice is read
 * once). A copy of the open file read from disk through %include is left out: its text is stale.
 */
export function nameSites(model: ConfigModel): NameSite[] {
  const sites: NameSite[] = [];
  const seen = new Set<string>();
  const parsedIds = new Map<unknown, number>();
  const add = (site: NameSite): void => {
    let id = parsedIds.get(site.file.parsed);
    if (id === undefined) parsedIds.set(site.file.parsed, (id = parsedIds.size));
    const key = `${id}:${site.span.start}:${site.kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    sites.push(site);
  };
  for (const event of model.events) {
    if (event.kind !== 'entry') continue;
    const { file, entry, section } = event;
    if (file !== model.root && file.path === model.root.path) continue;
    if (section === 'databases') databaseSites(file, entry, add);
    else if (section === 'users' && entry.key.text !== '') {
      add({
        kind: 'user',
        role: 'definition',
        name: entry.key.text,
        file,
        span: entry.key.span,
        via: '[users]',
      });
    } else if (section === 'pgbouncer') mainSites(file, entry, add);
  }
  return sites;
}

function databaseSites(file: LoadedFile, entry: Entry, add: (site: NameSite) => void): void {
  const name = entry.key.text;
  if (name !== '') {
    add({ kind: 'database', role: 'definition', name, file, span: entry.key.span, via: '[databases]' });
  }
  // Parameters before a syntax error still say what was meant, even though PgBouncer refuses the entry.
  for (const param of parseConnString(entry.value.text, entry.value.span.start).params) {
    const kind = DATABASE_PARAMS[param.key];
    if (!kind) continue;
    add({
      kind,
      role: 'reference',
      name: param.value,
      file,
      span: param.valueSpan,
      via: `${param.key}= of database '${name}'`,
    });
  }
}

function mainSites(file: LoadedFile, entry: Entry, add: (site: NameSite) => void): void {
  const key = entry.key.text;
  const value = entry.value;
  const single = MAIN_SINGLE[key];
  if (single && value.text !== '') {
    add({ kind: single, role: 'reference', name: value.text, file, span: value.span, via: key });
  }
  if (!MAIN_LISTS.has(key)) return;
  // Split as libusual's parse_word_list does: on commas, blanks around each name dropped.
  const text = value.text;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    let from = start;
    let to = end;
    while (from < to && isCSpace(text.charCodeAt(from))) from++;
    while (to > from && isCSpace(text.charCodeAt(to - 1))) to--;
    if (to > from) {
      const span = { start: value.span.start + from, end: value.span.start + to };
      add({ kind: 'user', role: 'reference', name: text.slice(from, to), file, span, via: key });
    }
    start = end + 1;
  }
}

/** The site under the cursor in the open file. */
export function siteAt(sites: readonly NameSite[], model: ConfigModel, offset: number): NameSite | undefined {
  return sites.find((site) => site.file === model.root && touches(site.span, offset));
}
