// The state of one validation: the findings, and what has been read so far in the order PgBouncer
// reads it. Checks see it as a CheckContext (check.ts); only the driver (validate.ts) moves it on.

import type { ValidationPass } from './memo';
import { availableIn, sectionInfo, settingsOf } from '../catalog/catalog';
import type { SectionName, Setting, Version } from '../catalog/catalog';
import type { ConfigModel, LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import { settingValue } from '../model/effective';
import type { Located } from '../model/effective';
import type { SectionHeader, Span } from '../syntax/syntax';
import type { Fix } from '../findings/fix';
import { CHECKS } from './check-list';
import { settingUsableIn } from './check';
import type { CheckContext, EntryEvent, FindingExtras, Place, ReportedFinding } from './check';

const NO_EXTRAS: FindingExtras = {};

/** The section PgBouncer reads entries into after this header, or null when it refuses the header. */
function acceptedSection(header: SectionHeader, target: Version): SectionName | null {
  const info = sectionInfo(header.name);
  return info && availableIn(info.addedIn, target) ? info.name : null;
}

export class ValidationContext implements CheckContext {
  readonly findings: ReportedFinding[] = [];
  section: SectionName | null = null;
  mainHeaderCount = 0;
  mainSettings = new Map<string, Located>();
  readonly users = new Map<string, Located>();
  readonly createdUsers = new Map<string, Place>();
  private readonly namesBySection = new Map<SectionName, string[]>();
  private readonly usableAsIs = new Map<SectionName, Map<string, Setting | null>>();

  constructor(
    readonly model: ConfigModel,
    readonly target: Version,
    readonly fileSystem: FileSystem,
    readonly pass: ValidationPass,
    readonly deployedHere: boolean,
  ) {}

  report(file: LoadedFile, span: Span, code: string, message: string, extras = NO_EXTRAS): void {
    const finding: ReportedFinding = {
      code,
      severity: extras.severity ?? CHECKS.get(code)?.severity ?? 'error',
      message,
      file: file.path,
      span,
      origin: file,
    };
    if (extras.related) finding.related = extras.related;
    if (extras.tags) finding.tags = extras.tags;
    const fixes = (extras.fixes ?? []).filter((fix): fix is Fix => fix !== null);
    if (fixes.length > 0) finding.fixes = fixes;
    this.findings.push(finding);
  }

  /** The driver's, after the checks have seen the header. */
  enterSection(header: SectionHeader): void {
    this.section = acceptedSection(header, this.target);
    if (this.section === 'pgbouncer') {
      // A [pgbouncer] header resets every [pgbouncer] setting to its default.
      this.mainHeaderCount++;
      this.mainSettings = new Map();
    }
  }

  /** The driver's, after the checks of the entry's section have seen it and none refused it. */
  accept(at: EntryEvent): void {
    if (this.section === 'pgbouncer') this.mainSettings.set(at.entry.key.text, at);
    else if (this.section === 'users') this.users.set(at.entry.key.text, at);
  }

  // EffectiveConfig.value's reading (settingValue), but of mainSettings, not EffectiveConfig.main:
  // the value as far as read, and without the keys PgBouncer refused (unknown, platform-specific,
  // newer than the target, quoted before 1.25), which EffectiveConfig.main keeps. After the pass
  // it differs only for those keys; PgBouncer refuses the configuration at each of them already,
  // so the TLS and listener checks do not judge them again.
  mainValue(name: string): string {
    return settingValue(this.mainSettings, name, this.target);
  }

  suggestableNames(section: SectionName): string[] {
    let names = this.namesBySection.get(section);
    if (!names) {
      names = settingsOf(section)
        .filter((s) => availableIn(s.addedIn, this.target) && !s.platform)
        .map((s) => s.name);
      this.namesBySection.set(section, names);
    }
    return names;
  }

  settingUsableAsIs(section: SectionName, key: string): Setting | null {
    let bySection = this.usableAsIs.get(section);
    if (!bySection) this.usableAsIs.set(section, (bySection = new Map()));
    let known = bySection.get(key);
    if (known === undefined) {
      known = settingUsableIn(section, key, this.target);
      bySection.set(key, known);
    }
    return known;
  }

  where(at: Located): string {
    const line = at.file.parsed.lineIndex.lineNumberAt(at.entry.key.span.start);
    return at.file === this.model.root || at.file.path === this.model.root.path
      ? `line ${line}`
      : `${at.file.path}:${line}`;
  }

  runDirectoryNote(written: string): string {
    if (written.startsWith('/')) return '';
    return this.model.runDirectorySource === 'setting'
      ? ` (relative to ${this.model.runDirectory}, the configured run directory)`
      : ` (relative to ${this.model.runDirectory}, the config file's folder; set pgbouncer.runDirectory or --run-dir to the directory PgBouncer runs in)`;
  }
}
