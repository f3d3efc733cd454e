// The configuration PgBouncer ends up with: the [pgbouncer] settings in force after the last
// [pgbouncer] header, and the last definition of each database and user. Rules read this.

import { connStringOf, isRetained, paramLookup } from '../syntax/connstring';
import type { ConnString, ParamLookup } from '../syntax/connstring';
import type { Entry, SectionHeader } from '../syntax/syntax';
import { defaultFor, setting } from '../catalog/catalog';
import type { Version } from '../catalog/catalog';
import { SideTable } from '../incremental/side-table';
import { CachePart } from '../incremental/document-cache';
import type { DocumentCache } from '../incremental/document-cache';
import { eachChanged, KeptSelections, selectOnce } from '../incremental/kept-selections';
import { eventsCollect, eventsWhere } from './config';
import type { ConfigEvent, ConfigModel, LoadedFile } from './config';
import { NameTable } from './names';

export interface Located {
  file: LoadedFile;
  entry: Entry;
}

export interface ConnectionEntry {
  name: string;
  at: Located;
  connString: ConnString;
  /** Parameters by name; the last one wins, as in PgBouncer. */
  params: ParamLookup;
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
  /** The databases in force by name (made when first asked: rules read databaseList). */
  readonly databases: ReadonlyMap<string, ConnectionEntry>;
  /** The databases in force, in the order of their first definition. */
  databaseList: readonly ConnectionEntry[];
  users: Map<string, ConnectionEntry>;
  /** The databases in force whose connection string writes `param` (with any value), in databaseList's order. */
  databasesWith(param: string): readonly ConnectionEntry[];
  /**
   * The databases in force that pass `test`, in databaseList's order. The test must depend only on
   * the entry (its name and connection string): a document's next analysis tests only the entries
   * its edit changed. `key` names the test; one key, one test.
   */
  databasesWhere(key: string, test: (entry: ConnectionEntry) => boolean): readonly ConnectionEntry[];
  /** Two [databases] entries (of any file or section header) have the same name. */
  someDatabaseNameRepeats: boolean;
  /** The cache of the document this was made for (none in the CLI): what is derived from it may keep things there. */
  documentCache: DocumentCache | undefined;
  /** The value PgBouncer uses: the explicit one, else the target version's default ('' if none). */
  value(name: string): string;
}

/** The entry made from a connection string a document keeps (see isRetained), for the next analysis. */
const keptEntries = new SideTable<ConnString, ConnectionEntry>(
  'model: the effective entry of a connection string',
);

function connectionEntry(at: Located): ConnectionEntry {
  const connString = connStringOf(at.file.parsed, at.entry);
  if (!isRetained(connString))
    return { name: at.entry.key.text, at, connString, params: paramLookup(connString) };
  // An entry unchanged since the previous analysis has the same event (see model/config.ts).
  const kept = keptEntries.get(connString);
  if (kept !== undefined && kept.at === at) return kept;
  const made: ConnectionEntry = { name: at.entry.key.text, at, connString, params: paramLookup(connString) };
  keptEntries.set(connString, made);
  return made;
}

function isNotDatabaseEntry(event: ConfigEvent): boolean {
  return event.kind !== 'entry' || event.section !== 'databases';
}

/**
 * How many [databases] entries have each name, kept up to date with the entries an edit removed and
 * added: whether a name repeats is known without going through every entry.
 */
class NameCounts {
  private entries: readonly ConnectionEntry[] = [];
  private readonly counts = new Map<string, number>();
  private repeated = 0;

  /** Brings the counts up to date with `entries`; whether some name is on two of them. */
  update(entries: readonly ConnectionEntry[]): boolean {
    eachChanged(
      this.entries,
      entries,
      (entry) => this.count(entry.name, -1),
      (entry) => this.count(entry.name, 1),
    );
    this.entries = entries;
    return this.repeated > 0;
  }

  private count(name: string, change: 1 | -1): void {
    const before = this.counts.get(name) ?? 0;
    const after = before + change;
    if (after === 0) this.counts.delete(name);
    else this.counts.set(name, after);
    if (before < 2 && after >= 2) this.repeated++;
    else if (before >= 2 && after < 2) this.repeated--;
  }
}

const NAME_COUNTS = new CachePart<NameCounts>(
  'model: how many [databases] entries have each name',
  () => new NameCounts(),
);

/** The rules' selections of a document's databases, kept for its next analysis. */
const SELECTIONS = new CachePart<KeptSelections<ConnectionEntry>>(
  'model: the databases the rules select',
  () => new KeptSelections(),
);

/**
 * What PgBouncer ends up with. `names` is the analysis' table of database names (validation looks
 * names up in the same one); a table of its own by default. `cache` is the document's, whose next
 * analysis selects databases again only among those its edit changed.
 */
export function effectiveConfig(
  model: ConfigModel,
  target: Version,
  names: NameTable = new NameTable(),
  cache?: DocumentCache,
): EffectiveConfig {
  let main = new Map<string, Located>();
  let mainHeader: HeaderAt | null = null;
  let databasesHeader: HeaderAt | null = null;
  let usersHeader: HeaderAt | null = null;
  const users = new Map<string, ConnectionEntry>();
  // The few events besides the [databases] entries, in order (thousands of databases are gone
  // through only where an edit changed them: eventsWhere and eventsCollect keep the rest).
  for (const event of eventsWhere(model, 'model: events besides [databases] entries', isNotDatabaseEntry)) {
    if (event.kind === 'section') {
      const at = { file: event.file, header: event.header };
      if (event.header.name === 'pgbouncer') {
        main = new Map();
        mainHeader = at;
      } else if (event.header.name === 'databases') databasesHeader ??= at;
      else if (event.header.name === 'users') usersHeader ??= at;
    } else if (event.kind === 'entry') {
      // The event has the entry and its file: it serves as the entry's location, without a copy.
      const at: Located = event;
      if (event.section === 'pgbouncer') main.set(event.entry.key.text, at);
      else if (event.section === 'users') users.set(event.entry.key.text, connectionEntry(at));
    }
  }
  const definitions = eventsCollect(model, 'model: the [databases] entries', (event) =>
    isNotDatabaseEntry(event) ? undefined : connectionEntry(event as Located),
  );
  const repeats = cache ? cache.part(NAME_COUNTS).update(definitions) : true;
  // Like a Map's set: a later definition takes the place of the earlier one. With every name once,
  // the definitions are the list.
  let databaseList: readonly ConnectionEntry[] = definitions;
  let someDatabaseNameRepeats = false;
  if (repeats) {
    const placedList: ConnectionEntry[] = [];
    /** Where each database name is in databaseList, by its slot's id. */
    const placedAt: number[] = [];
    for (const entry of definitions) {
      const id = names.slotOf(entry.at.entry).id;
      const placed = placedAt[id];
      if (placed !== undefined) {
        placedList[placed] = entry;
        someDatabaseNameRepeats = true;
      } else {
        placedAt[id] = placedList.length;
        placedList.push(entry);
      }
    }
    databaseList = placedList;
  }
  const finalMain = main;
  let databases: Map<string, ConnectionEntry> | undefined;
  const selections = cache?.part(SELECTIONS);
  selections?.next(databaseList);
  const databasesWhere = (
    key: string,
    test: (entry: ConnectionEntry) => boolean,
  ): readonly ConnectionEntry[] =>
    selections ? selections.select(databaseList, key, test) : selectOnce(databaseList, test);
  return {
    target,
    main: finalMain,
    mainHeader,
    databasesHeader,
    usersHeader,
    get databases() {
      return (databases ??= new Map(databaseList.map((entry) => [entry.name, entry])));
    },
    databaseList,
    users,
    databasesWith(param) {
      return databasesWhere(`param ${param}`, (entry) => entry.params.has(param));
    },
    databasesWhere,
    someDatabaseNameRepeats,
    documentCache: cache,
    value(name) {
      return settingValue(finalMain, name, target);
    },
  };
}

/**
 * The value PgBouncer uses for a [pgbouncer] setting, given the settings in force: the explicit
 * one, else the target version's default ('' if none).
 */
export function settingValue(main: ReadonlyMap<string, Located>, name: string, target: Version): string {
  const at = main.get(name);
  if (at) return at.entry.value.text;
  const known = setting('pgbouncer', name);
  return known ? (defaultFor(known, target) ?? '') : '';
}
