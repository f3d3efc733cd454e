// The one interface every audit rule implements, and the context a rule's check receives.
// A rule is one file in this folder, listed in ./index.ts, with fixtures in test/fixtures/rules.

import type { Dependency, Fix, FixKind } from '../findings/fix';
import { deleteEntry, insertMainSetting, replace } from '../model/edits';
import type { ConfigModel, LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import type { ConnectionEntry, EffectiveConfig, HeaderAt, Located } from '../model/effective';
import type { Span } from '../syntax/syntax';
import type { Version } from '../catalog/catalog';
import type { RelatedInfo, Severity } from '../findings/finding';
import { readCInt, readCTime } from '../catalog/values';
import type { DocumentCache } from '../incremental/document-cache';

export type Category =
  'Security' | 'Authentication' | 'Pool sizing' | 'Timeouts' | 'Observability' | 'Configuration quality';

export const CATEGORIES: readonly Category[] = [
  'Security',
  'Authentication',
  'Pool sizing',
  'Timeouts',
  'Observability',
  'Configuration quality',
];

export type Profile = 'production' | 'development';
export const PROFILES: readonly Profile[] = ['production', 'development'];

export type RuleSeverity = Severity | 'off';

export interface RuleDocs {
  /** Why it matters, in a few sentences. */
  why: string;
  /** What to do about it. */
  fix: string;
  /** Where the audit report this project started from got it wrong, and why we differ. */
  correction?: string;
  /** PgBouncer documentation, e.g. https://www.pgbouncer.org/config.html#client_idle_timeout */
  link: string;
}

export interface RuleFinding {
  file: LoadedFile;
  span: Span;
  message: string;
  fixes?: Fix[];
  related?: RelatedInfo[];
  /** A page about this particular finding (the editor links the code to it); else none. */
  link?: string;
}

export interface Rule {
  /** Stable kebab-case id, used in settings, suppression comments and output. */
  id: string;
  category: Category;
  /** Default severity per profile. Never 'error': errors mean PgBouncer refuses to start. */
  severity: Record<Profile, RuleSeverity>;
  /** One line: what is wrong. */
  title: string;
  docs: RuleDocs;
  check(context: RuleContext): RuleFinding[];
}

export interface RuleOptions {
  /** max_connections of the PostgreSQL servers behind PgBouncer. */
  postgresMaxConnections: number;
  /** Open-files limit (ulimit -n) PgBouncer runs with. */
  fileDescriptorLimit: number;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = { postgresMaxConnections: 100, fileDescriptorLimit: 1024 };

/** Results rules share per context (RuleContext.shared), with what computing them read. */
export type SharedStore<T> = WeakMap<RuleContext, { value: T; reads: readonly Dependency[] }>;

/**
 * Where a finding about a [pgbouncer] setting belongs, and how to change that setting.
 *
 * While the engine records (startRecording), every accessor notes what it read: a setting by
 * name, the [databases] or [users] entries, or everything (`model`, `config`). The engine holds
 * back the fixes of a rule whose reads include a line with an error (see analysis/dependencies.ts),
 * so a rule must read the configuration through this context only.
 */
export class RuleContext {
  private reads: Set<Dependency> | null = null;

  constructor(
    private readonly loaded: ConfigModel,
    private readonly effective: EffectiveConfig,
    readonly target: Version,
    readonly profile: Profile,
    readonly options: RuleOptions,
    readonly fileSystem: FileSystem,
  ) {}

  /** Starts noting what the rule checks read; stopRecording hands the reads over. */
  startRecording(): void {
    this.reads = new Set();
  }

  stopRecording(): Dependency[] {
    const reads = this.reads ? [...this.reads] : [];
    this.reads = null;
    return reads;
  }

  private read(dependency: Dependency): void {
    if (this.reads) this.reads.add(dependency);
  }

  /**
   * `compute()`, once per context and store: rules share results such as the pool model. Every
   * rule that gets the result is charged with what computing it read.
   */
  shared<T>(store: SharedStore<T>, compute: () => T): T {
    const known = store.get(this);
    if (known) {
      for (const dependency of known.reads) this.read(dependency);
      return known.value;
    }
    const outer = this.reads;
    const inner = new Set<Dependency>();
    this.reads = inner;
    try {
      const value = compute();
      store.set(this, { value, reads: [...inner] });
      return value;
    } finally {
      this.reads = outer;
      for (const dependency of inner) this.read(dependency);
    }
  }

  /** The whole loaded configuration: a rule that reaches into it depends on every line. */
  get model(): ConfigModel {
    this.read('*');
    return this.loaded;
  }

  /** The whole configuration in force: a rule that reaches into it depends on every line. */
  get config(): EffectiveConfig {
    this.read('*');
    return this.effective;
  }

  get root(): LoadedFile {
    return this.loaded.root;
  }

  /** The directory relative paths are resolved from (not a line of the file). */
  get runDirectory(): string {
    return this.loaded.runDirectory;
  }

  /** The value PgBouncer uses for a [pgbouncer] setting (explicit, else the default). */
  value(name: string): string {
    this.read(`setting:${name}`);
    return this.effective.value(name);
  }

  /** The explicit setting in force, if any. */
  entry(name: string): Located | undefined {
    this.read(`setting:${name}`);
    return this.effective.main.get(name);
  }

  isSet(name: string): boolean {
    this.read(`setting:${name}`);
    return this.effective.main.has(name);
  }

  /** The document's cache, where the pool model keeps what an edit did not change (PoolConfig). */
  get cache(): DocumentCache | undefined {
    return this.effective.documentCache;
  }

  /** Integer value as PgBouncer reads it, or null when it cannot be read. */
  int(name: string): number | null {
    const reading = readCInt(this.value(name));
    return reading.ok ? reading.stored : null;
  }

  /** Seconds as PgBouncer stores them (1e20 does not fit in microseconds and is 0), or null. */
  seconds(name: string): number | null {
    const reading = readCTime(this.value(name));
    return reading.ok ? reading.stored : null;
  }

  /** Enum value in lower case. */
  word(name: string): string {
    return this.value(name).trim().toLowerCase();
  }

  /** Comma-separated list value, trimmed, without empty items. */
  list(name: string): string[] {
    return this.value(name)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  private userList: readonly ConnectionEntry[] | null = null;

  /** The databases in force, in file order (one list for every rule: do not change it). */
  get databases(): readonly ConnectionEntry[] {
    this.read('section:databases');
    return this.effective.databaseList;
  }

  /**
   * The databases in force whose connection string writes `param`, in file order: what a rule that
   * looks for a parameter few databases set reads instead of every database.
   */
  databasesWith(param: string): readonly ConnectionEntry[] {
    this.read('section:databases');
    return this.effective.databasesWith(param);
  }

  /** The databases in force that pass `test`, which depends on the entry alone (EffectiveConfig.databasesWhere). */
  databasesWhere(key: string, test: (entry: ConnectionEntry) => boolean): readonly ConnectionEntry[] {
    this.read('section:databases');
    return this.effective.databasesWhere(key, test);
  }

  /** The database in force of that name. */
  database(name: string): ConnectionEntry | undefined {
    this.read('section:databases');
    return this.effective.databases.get(name);
  }

  /** The first [databases] header, where a finding about the databases as a whole goes. */
  get databasesHeader(): HeaderAt | null {
    this.read('section:databases');
    return this.effective.databasesHeader;
  }

  /** The users in force, in file order (one list for every rule: do not change it). */
  get users(): readonly ConnectionEntry[] {
    this.read('section:users');
    return (this.userList ??= [...this.effective.users.values()]);
  }

  /**
   * Where to report something about a [pgbouncer] setting: its value when set, else the
   * [pgbouncer] header in force (so that a missing setting is shown where it would go).
   */
  anchor(name: string): { file: LoadedFile; span: Span } | null {
    const at = this.entry(name);
    if (at)
      return {
        file: at.file,
        span: at.entry.value.span.start === at.entry.value.span.end ? at.entry.span : at.entry.value.span,
      };
    const header = this.effective.mainHeader;
    return header ? { file: header.file, span: header.header.span } : null;
  }

  /** A finding about a [pgbouncer] setting, at its anchor. */
  finding(name: string, message: string, fixes?: Fix[], related?: RelatedInfo[]): RuleFinding[] {
    const anchor = this.anchor(name);
    if (!anchor) return [];
    const finding: RuleFinding = { ...anchor, message };
    if (fixes && fixes.length > 0) finding.fixes = fixes;
    if (related && related.length > 0) finding.related = related;
    return [finding];
  }

  /**
   * A fix that sets a [pgbouncer] setting: changes its value, or adds the line. Its class says
   * whether PgBouncer then behaves as before (docs/fixes.md); there is no default.
   */
  setValue(name: string, value: string, options: { kind: FixKind; title?: string }): Fix | null {
    const at = this.entry(name);
    const title = options.title ?? `Set ${name} = ${value}`;
    const kind = options.kind;
    if (at) {
      if (at.file !== this.loaded.root) return null;
      return { title, kind, edits: [replace(at.file, at.entry.value.span, value)] };
    }
    const edit = insertMainSetting(this.loaded, name, value);
    return edit ? { title, kind, edits: [edit] } : null;
  }

  /** A fix that deletes the line of an explicit setting. */
  remove(at: Located, title: string, kind: FixKind): Fix | null {
    if (at.file !== this.loaded.root) return null;
    return { title, kind, edits: [deleteEntry(at.file, at.entry)] };
  }

  /** Where a finding about a database entry goes. */
  databaseAnchor(entry: ConnectionEntry): { file: LoadedFile; span: Span } {
    return { file: entry.at.file, span: entry.at.entry.key.span };
  }

  headerAnchor(header: HeaderAt | null): { file: LoadedFile; span: Span } | null {
    return header ? { file: header.file, span: header.header.span } : null;
  }
}

/** Drops nulls from a list of fixes. */
export function fixes(...candidates: (Fix | null | undefined)[]): Fix[] {
  return candidates.filter((fix): fix is Fix => fix !== null && fix !== undefined);
}
