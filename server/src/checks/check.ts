// The one interface every validation check implements, and the context a check receives.
// A check is one file in this folder (a few files hold two), listed in ./index.ts. Validation
// (./validate.ts) reads the configuration's events once, in the order PgBouncer reads them, and
// hands each event to the checks that take it; then each check may look at the whole.

import type { ValidationPass } from './memo';
import type { ConfigEvent, ConfigModel, EntryEvent, LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import type { Located } from '../model/effective';
import type { Span } from '../syntax/syntax';
import { availableIn, setting } from '../catalog/catalog';
import type { SectionName, Setting, Version } from '../catalog/catalog';
import type { Finding, RelatedInfo, Severity } from '../findings/finding';
import type { Fix } from '../findings/fix';

export type ErrorEvent = Extract<ConfigEvent, { kind: 'error' }>;
export type IncludeEvent = Extract<ConfigEvent, { kind: 'include' }>;
export type SectionEvent = Extract<ConfigEvent, { kind: 'section' }>;
export type { EntryEvent };

/**
 * What an entry check says of the entry. REFUSED: PgBouncer refuses it (an unknown setting, a
 * reserved database name...), so the checks after this one in ./index.ts do not see it, and it
 * is not counted as read (CheckContext.mainSettings, CheckContext.users). ACCEPTED: as far as this
 * check goes, PgBouncer takes it.
 */
export const ACCEPTED = 'accepted';
export const REFUSED = 'refused';
export type EntryVerdict = typeof ACCEPTED | typeof REFUSED;

/** The setting named `key` when it takes no finding as a name in the target: known, available, not deprecated. */
export function settingUsableIn(section: SectionName, key: string, target: Version): Setting | null {
  const found = setting(section, key);
  return found && !found.deprecated && availableIn(found.addedIn, target) ? found : null;
}

export interface Check {
  /** What it checks, in a few words (test names, debugging). */
  readonly name: string;
  /** The ids of the findings it reports (check-list.ts); test/unit/checks.test.ts holds it to them. */
  readonly reports: readonly string[];
  /**
   * Whose entries entry() takes: the sections' (while their header is one PgBouncer accepts), and
   * null for entries before the first section header.
   */
  readonly entriesIn?: readonly (SectionName | null)[];
  /** A line the parser could not read. */
  syntaxError?(event: ErrorEvent, context: CheckContext): void;
  /** A %include line, with what reading the file gave. */
  include?(event: IncludeEvent, context: CheckContext): void;
  /** A section header; the context is still that of the section before it (see CheckContext). */
  sectionHeader?(event: SectionEvent, context: CheckContext): void;
  /**
   * An entry (the event serves as its location); REFUSED stops the checks after this one. Called
   * as a plain function, without `this`: most events are entries.
   */
  entry?: (at: EntryEvent, context: CheckContext) => EntryVerdict;
  /** After the last event: what needs the whole configuration. */
  afterPass?(context: CheckContext): void;
}

/** What a finding has besides its place, code and message. */
export interface FindingExtras {
  /** Instead of the check's severity in check-list.ts. */
  severity?: Severity;
  related?: RelatedInfo[];
  tags?: Finding['tags'];
  /** null stands for a fix that does not apply here, and is left out. */
  fixes?: (Fix | null)[];
}

/** A finding and the file it is in, which the include summary walks up from. */
export type ReportedFinding = Finding & { origin: LoadedFile };

/** A place in a file, for a user PgBouncer creates (see users.ts). */
export interface Place {
  file: LoadedFile;
  span: Span;
}

/**
 * What a check knows during the pass. The reading state is the driver's: it moves it on after the
 * checks have seen an event, so a check sees what was read before the event.
 */
export interface CheckContext {
  readonly model: ConfigModel;
  readonly target: Version;
  readonly fileSystem: FileSystem;
  /** This validation's number for the memory between analyses (see memo.ts). */
  /** What this pass notes about names (see memo.ts). */
  readonly pass: ValidationPass;
  /** The files the configuration names are the ones PgBouncer opens: one it cannot open is an error where PgBouncer stops. */
  readonly deployedHere: boolean;

  /** Records a finding, with the check's severity (check-list.ts) unless extras say otherwise. */
  report(file: LoadedFile, span: Span, code: string, message: string, extras?: FindingExtras): void;
  /** The findings so far, in the order they were reported. */
  readonly findings: readonly ReportedFinding[];

  /** The section entries are read into: null before any header and after a header PgBouncer refuses. */
  readonly section: SectionName | null;
  /** The [pgbouncer] headers PgBouncer accepted so far. */
  readonly mainHeaderCount: number;
  /** The [pgbouncer] settings read since the last [pgbouncer] header, by name (the last of each). */
  readonly mainSettings: ReadonlyMap<string, Located>;
  /** A [pgbouncer] setting's value as far as read: the one written, else the target's default, else ''. */
  mainValue(name: string): string;
  /** The [users] entries read so far, by name (the last of each). */
  readonly users: ReadonlyMap<string, Located>;
  /**
   * The users PgBouncer creates while loading, by their stored (cut) name as latin1 bytes, with
   * where the first one came from (see users.ts).
   */
  readonly createdUsers: Map<string, Place>;

  /** The names of a section's settings usable in the target, for "did you mean". */
  suggestableNames(section: SectionName): string[];
  /** The setting named `key` when it takes no finding as a name: known, in the target, not deprecated. */
  settingUsableAsIs(section: SectionName, key: string): Setting | null;
  /** "line 12" in the main file, "/etc/pgbouncer/extra.ini:12" in another. */
  where(at: Located): string;
  /** What a relative path was resolved against, for a message about it ('' for an absolute one). */
  runDirectoryNote(written: string): string;
}
