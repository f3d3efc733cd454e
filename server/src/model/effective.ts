// The configuration PgBouncer ends up with: the [pgbouncer] settings in force after the last
// [pgbouncer] header, and the last definition of each database and user. Rules read this.

import { parseConnString } from '../parser/connstring';
import type { ConnParam, ConnString } from '../parser/connstring';
import type { Entry, SectionHeader } from '../parser/syntax';
import { defaultFor, setting } from '../schema/catalog';
import type { Version } from '../schema/catalog';
import type { ConfigModel, LoadedFile } from './config';

export interface Located {
  file: LoadedFile;
  entry: Entry;
}

export interface ConnectionEntry {
  name: string;
  at: Located;
  connString: ConnString;
  /** Parameters by name; the last one wins, as in PgBouncer. */
  params: Map<string, ConnParam>;
}

export interface HeaderAt {
  file: LoadedFile;
  header: SectionHeader;
}

export interface EffectiveConfig {
  target: Version;
  /** [pgbouncer] settings set explicitly and still in force. */
  main: Map<string, Located>;
  /** The [pgbouncer] header in force (the last one). */
  mainHeader: HeaderAt | null;
  databasesHeader: HeaderAt | null;
  usersHeader: HeaderAt | null;
  databases: Map<string, ConnectionEntry>;
  users: Map<string, ConnectionEntry>;
  /** The value PgBouncer uses: the explicit one, else the target version's default ('' if none). */
  value(name: string): string;
}

function connectionEntry(at: Located): ConnectionEntry {
  const connString = parseConnString(at.entry.value.text, at.entry.value.span.start);
  const params = new Map<string, ConnParam>();
  for (const param of connString.params) params.set(param.key, param);
  return { name: at.entry.key.text, at, connString, params };
}

export function effectiveConfig(model: ConfigModel, target: Version): EffectiveConfig {
  let main = new Map<string, Located>();
  let mainHeader: HeaderAt | null = null;
  let databasesHeader: HeaderAt | null = null;
  let usersHeader: HeaderAt | null = null;
  const databases = new Map<string, ConnectionEntry>();
  const users = new Map<string, ConnectionEntry>();
  for (const event of model.events) {
    if (event.kind === 'section') {
      const at = { file: event.file, header: event.header };
      if (event.header.name === 'pgbouncer') {
        main = new Map();
        mainHeader = at;
      } else if (event.header.name === 'databases') databasesHeader ??= at;
      else if (event.header.name === 'users') usersHeader ??= at;
    } else if (event.kind === 'entry') {
      const at = { file: event.file, entry: event.entry };
      if (event.section === 'pgbouncer') main.set(event.entry.key.text, at);
      else if (event.section === 'databases') databases.set(event.entry.key.text, connectionEntry(at));
      else if (event.section === 'users') users.set(event.entry.key.text, connectionEntry(at));
    }
  }
  const finalMain = main;
  return {
    target,
    main: finalMain,
    mainHeader,
    databasesHeader,
    usersHeader,
    databases,
    users,
    value(name) {
      const at = finalMain.get(name);
      if (at) return at.entry.value.text;
      const known = setting('pgbouncer', name);
      return known ? (defaultFor(known, target) ?? '') : '';
    },
  };
}
