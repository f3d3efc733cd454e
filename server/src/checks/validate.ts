// Checks a loaded configuration against the settings schema and PgBouncer's real behaviour.
// Errors are exactly what makes PgBouncer refuse to start; warnings are what it accepts but
// almost certainly does not do what the author meant.

import { deleteEntry, insertMainSetting, replace } from '../model/edits';
import { lineBreakAt, lineDependency } from '../findings/fix';
import type { Dependency, Fix, FixKind, TextEdit } from '../findings/fix';
import { newPass } from '../model/names';
import {
  connStringOf,
  knownClean,
  markClean,
  lastParamIndex,
  paramAt,
  paramCount,
  paramKeyAt,
  paramQuotedAt,
  paramValueAt,
} from '../syntax/connstring';
import type { ConnParam, ConnString } from '../syntax/connstring';
import type { Entry, Include, Span } from '../syntax/syntax';
import { describeFileKind, describeProblem } from '../files/guarded-read';
import type { FileProblem } from '../files/guarded-read';
import type { ConfigModel, LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import { MAX_INCLUSIONS, resolvePath } from '../model/config';
import {
  GRAMMAR,
  availableIn,
  closestName,
  defaultFor,
  removedBy,
  sectionInfo,
  setting,
  settingsOf,
  versionLabel,
  allSections,
} from '../catalog/catalog';
import type { SectionName, Setting, Version } from '../catalog/catalog';
import { CHECKS } from './check-list';
import type { Finding, RelatedInfo, Severity } from '../findings/finding';
import { badProtocolWord, checkCipherList, ecdhCurveProblem, validDheParams } from '../catalog/tls';
import {
  describeSeconds,
  plainNumber,
  readAtoi,
  readCInt,
  readCTime,
  readCUint,
  readStrtonum,
} from '../catalog/values';

export interface ValidateOptions {
  target: Version;
  fileSystem: FileSystem;
}

interface Located {
  file: LoadedFile;
  entry: Entry;
}

interface Extra {
  severity?: Severity;
  related?: RelatedInfo[];
  tags?: Finding['tags'];
  fixes?: (Fix | null)[];
}

const INLINE_COMMENT = /[ \t][;#]/;

/** PgBouncer 1.18 stores user names in a buffer of 128 bytes (MAX_USERNAME): 127 and a NUL. */
const MAX_USER_NAME_BYTES = 127;

const AS_WARNING: Extra = { severity: 'warning' };
/** The range of a setting that rejects zero and names none: a port. */
const PORT_RANGE = { min: 1, max: 65535 };
const NO_EXTRA: Extra = {};

const internedStrings = new Map<string, string>();

/** One string object per text: the clean marks of later analyses then compare by identity. */
function interned(text: string): string {
  const known = internedStrings.get(text);
  if (known !== undefined) return known;
  internedStrings.set(text, text);
  return text;
}

export function validate(model: ConfigModel, options: ValidateOptions): Finding[] {
  const { target } = options;
  const findings: (Finding & { origin: LoadedFile })[] = [];
  const add = (file: LoadedFile, span: Span, code: string, message: string, extra: Extra = {}): void => {
    const check = CHECKS.get(code);
    const finding: Finding & { origin: LoadedFile } = {
      code,
      severity: extra.severity ?? check?.severity ?? 'error',
      message,
      file: file.path,
      span,
      origin: file,
    };
    if (extra.related) finding.related = extra.related;
    if (extra.tags) finding.tags = extra.tags;
    const fixes = (extra.fixes ?? []).filter((fix): fix is Fix => fix !== null);
    if (fixes.length > 0) finding.fixes = fixes;
    findings.push(finding);
  };
  /** A fix; besides its own line (see engine.ts) its reason reads `dependsOn`. */
  const fix = (title: string, kind: FixKind, edits: TextEdit[], dependsOn?: Dependency[]): Fix =>
    dependsOn ? { title, kind, edits, dependsOn } : { title, kind, edits };
  /** A "did you mean" fix: kept only if the engine finds it adds no problem. */
  const guess = (title: string, kind: FixKind, edits: TextEdit[]): Fix => ({
    title,
    kind,
    verify: true,
    edits,
  });
  const relatedTo = (at: Located, message: string): RelatedInfo => ({
    file: at.file.path,
    span: at.entry.key.span,
    message,
  });
  const where = (at: Located): string =>
    at.file === model.root || at.file.path === model.root.path
      ? `line ${at.file.parsed.lineIndex.positionAt(at.entry.key.span.start).line + 1}`
      : `${at.file.path}:${at.file.parsed.lineIndex.positionAt(at.entry.key.span.start).line + 1}`;
  const runDirectoryNote = (written: string): string =>
    written.startsWith('/')
      ? ''
      : model.runDirectorySource === 'setting'
        ? ` (relative to ${model.runDirectory}, the configured run directory)`
        : ` (relative to ${model.runDirectory}, the config file's folder; set pgbouncer.runDirectory or --run-dir to the directory PgBouncer runs in)`;

  let sawMainSection = false;
  let sectionUsable = false;
  let pgbouncerSettings = new Map<string, Located>();
  let pgbouncerHeaderCount = 0;
  /** Database names are looked up in model.databaseNames, as seen in this pass. */
  const pass = newPass();
  const users = new Map<string, Located>();
  const peers = new Map<string, Located>();
  const namesCache = new Map<SectionName, string[]>();
  /** Per section, the parameter names usable as they are in this target (see plainlyValid). */
  const plainParams = new Map<string, Map<string, Setting | null>>();
  /** What checkConnParams's result depends on besides the parameters, by section and downgrade. */
  const cleanContexts = Object.fromEntries(
    (['databases', 'users', 'peers'] as const).map((section) => [
      section,
      [false, true].map((downgrade) =>
        interned(`${section} ${downgrade} ${target.label} ${target.unreleased}`),
      ),
    ]),
  ) as Record<'databases' | 'users' | 'peers', string[]>;
  /** Users PgBouncer creates while loading, by their stored (cut) name as bytes; see addGlobalUser. */
  const globalUsers = new Map<string, { file: LoadedFile; span: Span }>();

  for (const event of model.events) {
    switch (event.kind) {
      case 'error':
        add(event.file, event.error.span, 'syntax-error', event.error.message);
        break;

      case 'include': {
        const { include, problem } = event;
        if (!problem) break;
        if (problem.kind === 'too-deep') {
          add(
            event.file,
            include.span,
            'include-too-deep',
            `Includes are nested more than 10 levels deep (does a file include itself?); PgBouncer stops here.`,
          );
        } else if (problem.kind === 'directory') {
          add(
            event.file,
            include.pathSpan,
            'include-is-directory',
            `${event.resolvedPath} is a directory: PgBouncer reads it as an empty file, so this includes nothing.`,
          );
        } else if (problem.kind === 'not-followed') {
          // After a too-deep include PgBouncer reads nothing more: that error says it all.
          if (problem.reason === 'too-many') {
            add(
              event.file,
              include.span,
              'include-too-deep',
              `More than ${MAX_INCLUSIONS} files are included (a file included twice counts twice); the linter does not follow further %include lines.`,
              { severity: 'warning' },
            );
          }
        } else if (problem.kind === 'empty-path') {
          add(event.file, include.span, 'include-not-found', '%include has no file name.');
        } else {
          reportUnreadInclude(event.file, include, event.resolvedPath, problem.problem);
        }
        break;
      }

      case 'section': {
        const { header } = event;
        const info = sectionInfo(header.name);
        sectionUsable = false;
        if (!info) {
          const suggestion = closestName(
            header.name.trim(),
            allSections().map((s) => s.name),
          );
          const hint = suggestion
            ? header.name.trim() === suggestion || header.name.toLowerCase() === suggestion
              ? ` Section names are exact and case-sensitive: write [${suggestion}].`
              : ` Did you mean [${suggestion}]?`
            : ' Valid sections: [pgbouncer], [databases], [users], [peers].';
          add(
            event.file,
            header.name === '' ? header.span : header.nameSpan,
            'unknown-section',
            `Unknown section [${header.name}].${hint}`,
          );
          break;
        }
        if (!availableIn(info.addedIn, target)) {
          add(
            event.file,
            header.nameSpan,
            'newer-than-target',
            `Section [${info.name}] was added in ${versionLabel(info.addedIn)}; PgBouncer ${target.label} refuses it as an invalid section.`,
          );
          break;
        }
        sectionUsable = true;
        if (info.name === 'pgbouncer') {
          sawMainSection = true;
          pgbouncerHeaderCount++;
          if (pgbouncerHeaderCount > 1) {
            const lost = [...pgbouncerSettings.values()];
            const detail =
              lost.length > 0
                ? ` The ${lost.length} setting${lost.length === 1 ? '' : 's'} made above (${lost
                    .slice(0, 3)
                    .map((l) => l.entry.key.text)
                    .join(', ')}${lost.length > 3 ? ', ...' : ''}) ${lost.length === 1 ? 'is' : 'are'} lost.`
                : '';
            add(
              event.file,
              header.span,
              'section-reset',
              `A second [pgbouncer] header resets every [pgbouncer] setting to its default.${detail}`,
              { related: lost.slice(0, 20).map((l) => relatedTo(l, `${l.entry.key.text} is reset here`)) },
            );
          }
          pgbouncerSettings = new Map();
        }
        break;
      }

      case 'entry': {
        const { entry, file } = event;
        // The event has the entry and its file: it serves as the entry's location, without a copy.
        const at: Located = event;
        if (event.section === null) {
          add(
            file,
            entry.key.span.start === entry.key.span.end ? entry.span : entry.key.span,
            'key-outside-section',
            `'${entry.key.text}' comes before any section header; PgBouncer refuses a setting without a section. Add [pgbouncer] (or [databases]) above it.`,
          );
          break;
        }
        if (!sectionUsable) break;
        if (entry.key.quoted && !availableIn(GRAMMAR.quotedKeysSince, target)) {
          add(
            file,
            entry.key.span,
            'newer-than-target',
            `Quoted keys are read from ${versionLabel(GRAMMAR.quotedKeysSince)} on; PgBouncer ${target.label} reports a syntax error here.`,
          );
          break;
        }
        const section = event.section as SectionName;
        if (section === 'pgbouncer') checkMainSetting(at);
        else if (section === 'databases') checkDatabase(at);
        else if (section === 'users') checkUser(at);
        else if (section === 'peers') checkPeer(at);
        break;
      }
    }
  }

  function reportUnreadInclude(
    file: LoadedFile,
    include: Include,
    resolvedPath: string,
    problem: FileProblem,
  ): void {
    const span = include.pathSpan;
    switch (problem.kind) {
      case 'missing':
      case 'permission':
      case 'error':
        add(
          file,
          span,
          'include-not-found',
          `Cannot read included file ${resolvedPath}: ${describeProblem(problem)}${runDirectoryNote(include.path)}.`,
        );
        return;
      case 'not-regular':
        if (problem.fileKind === 'socket') {
          // PgBouncer's open() fails on a socket, as on a missing file.
          add(file, span, 'include-not-found', `Cannot read included file ${resolvedPath}: it is a socket.`);
        } else {
          const consequence =
            problem.fileKind === 'fifo'
              ? 'PgBouncer would wait at start-up until something writes to it.'
              : problem.fileKind === 'character-device' || problem.fileKind === 'block-device'
                ? 'PgBouncer reads a device until it ends: /dev/null includes nothing, but /dev/zero or /dev/urandom never end and PgBouncer does not start.'
                : 'PgBouncer would try to read it as a file.';
          add(
            file,
            span,
            'file-not-read',
            `${resolvedPath} is ${describeFileKind(problem.fileKind)}, not a regular file; the linter does not read it. ${consequence}`,
          );
        }
        return;
      case 'too-large':
        add(file, span, 'file-not-read', `Included file ${resolvedPath}: ${describeProblem(problem)}.`);
        return;
      case 'over-budget':
        // The engine reports the read budget once for the whole analysis.
        return;
      case 'pending':
        add(
          file,
          span,
          'file-not-read',
          `Included file ${resolvedPath} is still being read (the file system is slow); the findings are updated once it is read.`,
          { severity: 'information' },
        );
        return;
    }
  }

  /** Names usable in a section with the target version, for "did you mean". */
  function namesIn(section: SectionName): string[] {
    let names = namesCache.get(section);
    if (!names) {
      names = settingsOf(section)
        .filter((s) => availableIn(s.addedIn, target) && !s.platform)
        .map((s) => s.name);
      namesCache.set(section, names);
    }
    return names;
  }

  function checkMainSetting(at: Located): void {
    const { entry, file } = at;
    const name = entry.key.text;
    const known = setting('pgbouncer', name);
    if (!known) {
      if (setting('databases', name) || /^[^=]*\S\s*=/.test(entry.value.text)) {
        add(
          file,
          entry.key.span,
          'misplaced-setting',
          `'${name}' looks like a database definition, but it is in [pgbouncer], where PgBouncer refuses unknown settings. Move it to [databases].`,
        );
        return;
      }
      const suggestion = closestName(name, namesIn('pgbouncer'));
      const hint = suggestion
        ? suggestion.toLowerCase() === name.toLowerCase()
          ? ` Keys are case-sensitive: did you mean '${suggestion}'?`
          : ` Did you mean '${suggestion}'?`
        : '';
      add(
        file,
        entry.key.span.start === entry.key.span.end ? entry.span : entry.key.span,
        'unknown-setting',
        `Unknown setting '${name}' in [pgbouncer]; PgBouncer refuses to start.${hint}`,
        {
          fixes: [
            suggestion && !entry.key.quoted
              ? // A misspelt key: the file starts with the setting it evidently meant.
                guess(`Rename to '${suggestion}'`, 'safe', [replace(file, entry.key.span, suggestion)])
              : null,
          ],
        },
      );
      return;
    }
    if (known.platform) {
      add(
        file,
        entry.key.span,
        'platform-specific',
        `'${name}' exists only in ${known.platform === 'windows' ? 'Windows' : known.platform} builds of PgBouncer; others refuse it as an unknown setting.`,
      );
      return;
    }
    if (!availableIn(known.addedIn, target)) {
      add(
        file,
        entry.key.span,
        'newer-than-target',
        `'${name}' was added in ${versionLabel(known.addedIn)}; PgBouncer ${target.label} refuses it as an unknown setting.`,
      );
      return;
    }
    reportDeprecatedSetting(at, known);
    const previous = pgbouncerSettings.get(name);
    if (previous) {
      reportDuplicate(at, previous, 'duplicate-setting', {
        message: `'${name}' is already set on ${where(previous)}; PgBouncer uses this later value.`,
        earlier: 'earlier value, without effect',
        fixTitle: `Remove the earlier ${name} line, which has no effect`,
      });
    }
    pgbouncerSettings.set(name, at);
    checkMainValue(at, known);
  }

  /** A key given again: the later one wins; the earlier line can go (when it is in the same file). */
  function reportDuplicate(
    at: Located,
    previous: Located,
    code: string,
    text: { message: string; earlier: string; fixTitle: string },
  ): void {
    add(at.file, at.entry.key.span, code, text.message, {
      related: [relatedTo(previous, text.earlier)],
      fixes: [
        previous.file === at.file
          ? fix(
              text.fixTitle,
              'safe',
              [deleteEntry(previous.file, previous.entry)],
              [lineDependency(previous.file, previous.entry.span.start)],
            )
          : null,
      ],
    });
  }

  function reportDeprecatedSetting(at: Located, known: Setting, keySpan: Span = at.entry.key.span): void {
    if (!known.deprecated || !availableIn(known.deprecated.since, target)) return;
    const replacement = known.deprecated.replacement
      ? setting(known.section, known.deprecated.replacement)
      : undefined;
    if (replacement && !availableIn(replacement.addedIn, target)) return;
    const advice = replacement
      ? ` Use '${replacement.name}' instead.`
      : known.deprecated.note
        ? ` ${known.deprecated.note}`
        : '';
    add(at.file, keySpan, 'deprecated', `'${known.name}' is deprecated.${advice}`, {
      tags: ['deprecated'],
      fixes: [
        replacement
          ? fix(`Rename to '${replacement.name}'`, 'safe', [replace(at.file, keySpan, replacement.name)])
          : null,
      ],
    });
  }

  function checkMainValue(at: Located, known: Setting): void {
    const { entry, file } = at;
    const value = entry.value.text;
    const span = entry.value.span.start === entry.value.span.end ? entry.span : entry.value.span;
    const name = known.name;
    const commentIndex = value.search(INLINE_COMMENT);
    const commentHint =
      commentIndex >= 0
        ? ` PgBouncer has no inline comments: '${value.slice(commentIndex).trim()}' is part of the value; put the comment on its own line.`
        : '';
    const quoted = /^(["']).*\1$/.test(value) && value.length >= 2;
    const quoteHint = quoted ? ' PgBouncer does not strip quotes: remove them.' : '';
    const beforeComment = commentIndex >= 0 ? value.slice(0, commentIndex).replace(/[ \t]+$/, '') : null;
    const setValueFix = (candidate: string | null | undefined, title: string, kind: FixKind): Fix | null =>
      candidate !== null && candidate !== undefined && candidate !== value && acceptedBy(known, candidate)
        ? { ...fix(title, kind, [replace(file, entry.value.span, candidate)]), verify: true }
        : null;
    /** Moves "; comment" out of the value onto a line of its own above. */
    const moveCommentFix = (kind: FixKind): Fix | null => {
      if (beforeComment === null || !acceptedBy(known, beforeComment)) return null;
      const text = file.parsed.text;
      const lineStart = text.lastIndexOf('\n', entry.span.start - 1) + 1;
      const eol = lineBreakAt(text, lineStart);
      const comment = value.slice(commentIndex).trim();
      return fix('Move the comment to its own line', kind, [
        { file: file.path, span: { start: lineStart, end: lineStart }, newText: `${comment}${eol}` },
        replace(file, entry.value.span, beforeComment),
      ]);
    };
    // The value is refused as written; without the comment or the quotes it is what was meant.
    const repairFixes = (): (Fix | null)[] => [
      moveCommentFix('safe'),
      quoted ? setValueFix(value.slice(1, -1), 'Remove the quotes', 'safe') : null,
    ];

    switch (known.type) {
      case 'int':
      case 'uint':
      case 'bool': {
        const reading = known.type === 'uint' ? readCUint(value) : readCInt(value);
        if (!reading.ok) {
          let detail = commentHint || quoteHint;
          if (!detail && value === '') detail = ' The value is empty.';
          if (!detail && known.type === 'bool' && /^(yes|no|true|false|on|off)$/i.test(value)) {
            detail = ` Booleans are numbers in PgBouncer: write ${/^(yes|true|on)$/i.test(value) ? '1' : '0'}.`;
          }
          if (!detail && /^[+-]?0[0-9]+$/.test(value)) {
            detail =
              ' A leading 0 makes PgBouncer read the number as octal, and 8 and 9 are not octal digits.';
          }
          if (!detail && /^[+-]?\d+(\.\d+)?\s*[a-zA-Z]+$/.test(value)) {
            detail = ' Write a plain number without a unit.';
          }
          if (!detail)
            detail = known.type === 'bool' ? ' Expected 0 (off) or 1 (on).' : ' Expected a whole number.';
          const boolWord = /^(yes|true|on)$/i.test(value)
            ? '1'
            : /^(no|false|off)$/i.test(value)
              ? '0'
              : null;
          add(file, span, 'invalid-value', `Invalid value '${value}' for ${name}.${detail}`, {
            fixes: [
              ...repairFixes(),
              known.type === 'bool' ? setValueFix(boolWord, `Write ${boolWord}`, 'safe') : null,
              // "4kB" is not 4: what a unit on a count meant is for the user to say.
              setValueFix(/^([+-]?\d+)\s*[a-zA-Z]+$/.exec(value)?.[1], 'Remove the unit', 'suggestion'),
            ],
          });
          return;
        }
        if (reading.radix === 8 && reading.value !== 0 && known.unit !== 'octal mode') {
          add(
            file,
            span,
            'octal-number',
            `${value} has a leading zero, so PgBouncer reads it as octal: ${name} becomes ${reading.stored}.`,
            {
              fixes: [
                setValueFix(
                  String(reading.stored),
                  `Write ${reading.stored} (the value PgBouncer uses now)`,
                  'safe',
                ),
                // Probably what was meant, but PgBouncer has been running with the octal value.
                setValueFix(
                  value.replace(/^([+-]?)0+(?=\d)/, '$1'),
                  `Write ${value.replace(/^([+-]?)0+(?=\d)/, '$1')} (decimal)`,
                  'suggestion',
                ),
              ],
            },
          );
        }
        if (known.type === 'uint' && reading.value < 0) {
          add(
            file,
            span,
            'negative-value',
            `${name} is unsigned: ${value} wraps around to ${reading.stored}.`,
          );
          return;
        }
        if (reading.overflow) {
          add(
            file,
            span,
            'integer-overflow',
            `${value} does not fit in ${known.type === 'uint' ? 'an unsigned' : 'a'} 32-bit integer; PgBouncer silently stores ${reading.stored}.`,
          );
          return;
        }
        if (known.type === 'bool') {
          if (reading.value !== 0 && reading.value !== 1) {
            add(
              file,
              span,
              'bool-not-0-or-1',
              `${name} is a boolean: ${value} counts as on (1). Write 0 or 1.`,
            );
          }
          return;
        }
        checkNumberRange(file, span, known, reading.stored, value);
        return;
      }
      case 'time': {
        const reading = readCTime(value);
        if (!reading.ok) {
          let detail = commentHint || quoteHint;
          if (!detail && value === '') detail = ' The value is empty.';
          if (!detail && reading.reason === 'negative') detail = ' Times cannot be negative; 0 disables it.';
          if (!detail && reading.reason === 'range') detail = ' The number is out of range.';
          const withUnit = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*[a-zA-Z]+$/.exec(value);
          if (!detail && withUnit) {
            detail = ` Times are plain numbers of seconds without a unit: write ${unitToSeconds(value) ?? withUnit[1]}.`;
          }
          if (!detail) detail = ' Expected a number of seconds, such as 30 or 0.5.';
          const seconds = unitSeconds(value);
          add(file, span, 'invalid-value', `Invalid value '${value}' for ${name}.${detail}`, {
            fixes: [
              ...repairFixes(),
              seconds !== null ? setValueFix(String(seconds), `Write ${seconds} (seconds)`, 'safe') : null,
            ],
          });
          return;
        }
        if (reading.special) {
          add(
            file,
            span,
            'value-out-of-range',
            `PgBouncer accepts '${value}' for ${name}, but it is not a usable number of seconds.`,
          );
          return;
        }
        if (reading.seconds > 0 && reading.seconds < 0.000001) {
          add(
            file,
            span,
            'value-out-of-range',
            `${value} s is below a microsecond; PgBouncer stores 0 (disabled).`,
          );
          return;
        }
        checkNumberRange(file, span, known, reading.seconds, value);
        return;
      }
      case 'enum': {
        checkEnumValue(file, span, known, value, quoteHint || commentHint, {
          repairs: repairFixes(),
          setValue: (candidate, title, kind) => setValueFix(candidate, title, kind),
        });
        return;
      }
      case 'string':
      case 'list':
      case 'path': {
        if (isReserved(known, value)) {
          add(
            file,
            span,
            'reserved-name',
            `'${value}' is reserved for the admin console and cannot be used for ${name}.`,
          );
          return;
        }
        if (commentIndex >= 0) {
          add(
            file,
            { start: entry.value.span.start + commentIndex + 1, end: entry.value.span.end },
            'inline-comment',
            `'${value.slice(commentIndex).trim()}' looks like a comment, but PgBouncer has no inline comments: it is part of the value of ${name}. Put the comment on its own line.`,
            // It changes the value PgBouncer uses, even if that is what was meant.
            { fixes: [moveCommentFix('recommended')] },
          );
        } else if (quoted) {
          add(
            file,
            span,
            'ignored-text',
            `PgBouncer keeps the quotes: ${name} is ${value} including the quote characters. Remove them.`,
            {
              severity: 'warning',
              fixes: [setValueFix(value.slice(1, -1), 'Remove the quotes', 'recommended')],
            },
          );
        }
        if (known.type === 'path' && value !== '') checkPath(at, known, value);
        return;
      }
    }
  }

  function isReserved(known: Setting, value: string): boolean {
    return (
      known.reservedValues !== undefined &&
      known.reservedValues.includes(value) &&
      availableIn(known.reservedValuesSince ?? known.addedIn, target)
    );
  }

  function checkNumberRange(file: LoadedFile, span: Span, known: Setting, value: number, text: string): void {
    const range = known.range;
    if (value < 0 && (range?.min === undefined || range.min >= 0)) {
      add(
        file,
        span,
        'negative-value',
        `${known.name} = ${text} is negative; PgBouncer accepts it, but it makes no sense here.`,
      );
      return;
    }
    if (!range) return;
    const isPort = range.min === 1 && range.max === 65535;
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      const bounds =
        range.min !== undefined && range.max !== undefined
          ? `${range.min}..${range.max}`
          : range.min !== undefined
            ? `at least ${range.min}`
            : `at most ${range.max}`;
      if (isPort) {
        const wrapped = ((value % 65536) + 65536) % 65536;
        add(
          file,
          span,
          'port-out-of-range',
          value === 0
            ? `Port 0 makes PgBouncer listen on a random free port.`
            : `Port ${text} is outside 1..65535; PgBouncer does not check and silently uses port ${wrapped}.`,
        );
        return;
      }
      add(
        file,
        span,
        'value-out-of-range',
        `${known.name} = ${text} is outside the sensible range (${bounds}${known.unit ? ' ' + known.unit : ''}).`,
      );
    }
  }

  function checkEnumValue(
    file: LoadedFile,
    span: Span,
    known: Setting,
    value: string,
    hint: string,
    fixing?: {
      repairs: (Fix | null)[];
      setValue: (candidate: string, title: string, kind: FixKind) => Fix | null;
    },
  ): boolean {
    const values = known.values ?? [];
    const match = values.find((v) => v.name.toLowerCase() === value.toLowerCase());
    const current = values.filter((v) => availableIn(v.addedIn, target) && !removedBy(v.removedIn, target));
    const list = current.map((v) => v.name).join(', ');
    if (!match) {
      const suggestion = closestName(
        value.replace(/^["']|["']$/g, ''),
        current.map((v) => v.name),
      );
      const detail =
        hint || (suggestion ? ` Did you mean '${suggestion}'?` : value === '' ? ' The value is empty.' : '');
      add(
        file,
        span,
        'invalid-value',
        `Invalid value '${value}' for ${known.name}.${detail} Allowed: ${list}.`,
        {
          fixes: fixing
            ? [
                ...fixing.repairs,
                // A value chooses behaviour (authentication, TLS, pooling): a guess is for the user to confirm.
                suggestion ? fixing.setValue(suggestion, `Change to '${suggestion}'`, 'suggestion') : null,
              ]
            : [],
        },
      );
      return false;
    }
    if (removedBy(match.removedIn, target)) {
      const replacement = match.replacement ? ` Use '${match.replacement}'.` : '';
      add(
        file,
        span,
        'removed-value',
        `'${match.name}' for ${known.name} was removed in PgBouncer ${match.removedIn}; PgBouncer ${target.label} refuses it.${replacement}`,
        {
          fixes: [
            match.replacement && fixing
              ? fixing.setValue(match.replacement, `Change to '${match.replacement}'`, 'safe')
              : null,
          ],
        },
      );
      return false;
    }
    if (!availableIn(match.addedIn, target)) {
      add(
        file,
        span,
        'newer-than-target',
        `'${match.name}' for ${known.name} was added in ${versionLabel(match.addedIn)}; PgBouncer ${target.label} refuses it. Allowed: ${list}.`,
      );
      return false;
    }
    if (match.deprecated) {
      add(file, span, 'deprecated', `${known.name} = ${match.name} is deprecated.`, { tags: ['deprecated'] });
    }
    return true;
  }

  function checkPath(at: Located, known: Setting, value: string): void {
    const resolved = resolvePath(value, model.runDirectory);
    const kind = known.pathKind ?? 'input-file';
    if (kind === 'none') return;
    const fs = options.fileSystem;
    if (kind === 'output-file') {
      const dir = resolved.replace(/\/[^/]*$/, '') || '/';
      if (fs.stat(dir) !== 'directory') {
        add(
          at.file,
          at.entry.value.span,
          'file-not-found',
          `The directory for ${known.name} does not exist here: ${dir}${runDirectoryNote(value)}.`,
        );
      }
      return;
    }
    const found = fs.stat(resolved);
    const wanted = kind === 'directory' ? 'directory' : 'file';
    if (found !== wanted) {
      add(
        at.file,
        at.entry.value.span,
        'file-not-found',
        found === null
          ? `${known.name}: ${resolved} does not exist on this machine${runDirectoryNote(value)}.`
          : `${known.name}: ${resolved} is ${describeFileKind(found)}, not ${describeFileKind(wanted)}.`,
      );
    }
  }

  /** Parameters are checked once per context: after an edit, unchanged entries known clean are skipped. */
  function checkConnParams(
    at: Located,
    section: 'databases' | 'users' | 'peers',
    connString: ConnString,
    downgrade: boolean,
  ): void {
    const context = cleanContexts[section][downgrade ? 1 : 0];
    if (knownClean(connString, context)) return;
    if (plainlyValid(section, connString)) {
      markClean(connString, context);
      return;
    }
    const before = findings.length;
    checkEachConnParam(at, section, connString.params, downgrade);
    if (findings.length === before) markClean(connString, context);
  }

  function plainParam(section: 'databases' | 'users' | 'peers', key: string): Setting | null {
    let bySection = plainParams.get(section);
    if (!bySection) plainParams.set(section, (bySection = new Map()));
    let known = bySection.get(key);
    if (known === undefined) {
      const found = setting(section, key);
      known = found && !found.deprecated && availableIn(found.addedIn, target) ? found : null;
      bySection.set(key, known);
    }
    return known;
  }

  /**
   * True when checkEachConnParam would find nothing, decided without making parameter objects:
   * names known, available and not deprecated, each given once, values plain and valid. Anything
   * else (a quote, an enum, a sign) goes the whole way.
   */
  function plainlyValid(section: 'databases' | 'users' | 'peers', connString: ConnString): boolean {
    const count = paramCount(connString);
    for (let i = 0; i < count; i++) {
      const key = paramKeyAt(connString, i);
      const known = plainParam(section, key);
      if (known === null || paramQuotedAt(connString, i)) return false;
      for (let j = 0; j < i; j++) if (paramKeyAt(connString, j) === key) return false;
      const value = paramValueAt(connString, i);
      if (known.type === 'int' || known.type === 'time') {
        const number = plainNumber(value);
        if (number < 0) return false;
        if (known.rejectZero) {
          const range = known.range ?? PORT_RANGE;
          if (number === 0 || (range.min !== undefined && number < range.min)) return false;
          if (range.max !== undefined && number > range.max) return false;
        }
      } else if (known.type === 'enum' || isReserved(known, value)) {
        return false;
      }
    }
    return true;
  }

  function checkEachConnParam(
    at: Located,
    section: 'databases' | 'users' | 'peers',
    params: ConnParam[],
    downgrade: boolean,
  ): void {
    const { file } = at;
    const sev: Extra = downgrade ? AS_WARNING : NO_EXTRA;
    const noun = section === 'users' ? 'user parameter' : 'connection parameter';
    for (let index = 0; index < params.length; index++) {
      const param = params[index];
      const known = setting(section, param.key);
      if (!known) {
        const suggestion = closestName(param.key, namesIn(section));
        const inMain = setting('pgbouncer', param.key);
        const hint = suggestion
          ? ` Did you mean '${suggestion}'?`
          : inMain
            ? ` '${param.key}' is a [pgbouncer] setting, not a ${noun}.`
            : '';
        add(
          file,
          param.keySpan,
          downgrade ? 'autodb-connection-string' : 'unknown-parameter',
          `Unknown ${noun} '${param.key}'; PgBouncer ${downgrade ? 'will refuse connections that use this fallback entry' : 'refuses this entry'}.${hint}`,
          {
            ...sev,
            fixes: [
              suggestion
                ? guess(`Rename to '${suggestion}'`, 'safe', [replace(file, param.keySpan, suggestion)])
                : null,
            ],
          },
        );
        continue;
      }
      if (!availableIn(known.addedIn, target)) {
        add(
          file,
          param.keySpan,
          downgrade ? 'autodb-connection-string' : 'newer-than-target',
          `${noun[0].toUpperCase()}${noun.slice(1)} '${param.key}' was added in ${versionLabel(known.addedIn)}; PgBouncer ${target.label} refuses this entry.`,
          sev,
        );
        continue;
      }
      if (known.deprecated) reportDeprecatedSetting(at, known, param.keySpan);
      // The earlier parameter of the same name, if any (connection strings are short: a scan will do).
      let previous: ConnParam | undefined;
      for (let j = index - 1; j >= 0 && !previous; j--) if (params[j].key === param.key) previous = params[j];
      if (previous) {
        add(
          file,
          param.keySpan,
          'duplicate-parameter',
          `'${param.key}' is given twice; PgBouncer uses the last value.`,
          {
            related: [{ file: file.path, span: previous.keySpan, message: 'earlier value, without effect' }],
            fixes: [
              fix(`Remove the earlier ${param.key}, which has no effect`, 'safe', [
                removeParam(file, previous),
              ]),
            ],
          },
        );
      }
      if (param.droppedAfterQuote) {
        add(
          file,
          param.droppedAfterQuote,
          'ignored-text',
          `PgBouncer drops the character right after a closing quote; put a space after the quoted value.`,
          {
            // Verified: kept only where the character was meant to start the next parameter.
            fixes: [
              {
                ...fix('Put a space after the quoted value', 'safe', [
                  {
                    file: file.path,
                    span: { start: param.droppedAfterQuote.start, end: param.droppedAfterQuote.start },
                    newText: ' ',
                  },
                ]),
                verify: true,
              },
            ],
          },
        );
      }
      checkConnValue(at, known, param, downgrade);
    }
  }

  function checkConnValue(at: Located, known: Setting, param: ConnParam, downgrade: boolean): void {
    const { file } = at;
    // The value's span is made only for a finding (thousands of values have none).
    const value = param.value;
    if (known.type === 'enum') {
      if (!checkEnumValue(file, param.valueSpan, known, value, '') && downgrade) {
        const last = findings[findings.length - 1];
        last.code = 'autodb-connection-string';
        last.severity = 'warning';
      }
      return;
    }
    if (known.type === 'int' || known.type === 'time') {
      // Most values are plain numbers: read without making a reading object.
      const plain = plainNumber(value);
      const reading = plain >= 0 ? null : readAtoi(value);
      const readValue = reading ? reading.value : plain;
      const consumed = reading ? reading.consumed : value.length;
      const digits = reading ? reading.digits : true;
      if (known.rejectZero && readValue === 0) {
        add(
          file,
          param.valueSpan,
          downgrade ? 'autodb-connection-string' : 'invalid-port',
          `Invalid ${known.name} '${value}': PgBouncer reads it as 0 and refuses the entry.`,
          downgrade ? { severity: 'warning' } : {},
        );
        return;
      }
      if (!digits) {
        add(
          file,
          param.valueSpan,
          'ignored-text',
          `'${value}' is not a number; PgBouncer reads ${known.name} as 0.`,
        );
        return;
      }
      if (consumed < value.length) {
        const dropped = value.slice(consumed);
        const detail =
          known.type === 'time' && /^\.\d*$/.test(dropped) ? ` (${known.name} is whole seconds here)` : '';
        add(
          file,
          {
            start: param.valueSpan.start + (param.quoted ? 1 : 0) + consumed,
            end: param.valueSpan.end - (param.quoted ? 1 : 0),
          },
          'ignored-text',
          `PgBouncer reads ${known.name} as ${readValue} and ignores '${dropped}'${detail}.`,
        );
      }
      if (known.rejectZero) {
        const range = known.range ?? { min: 1, max: 65535 };
        if (
          (range.min !== undefined && readValue < range.min) ||
          (range.max !== undefined && readValue > range.max)
        ) {
          add(file, param.valueSpan, 'port-out-of-range', `Port ${readValue} is outside 1..65535.`);
        }
        return;
      }
      if (readValue < 0 && !(known.default !== null && Number(known.default) < 0 && readValue === -1)) {
        add(file, param.valueSpan, 'negative-value', `${known.name} = ${value} is negative.`);
      }
      return;
    }
    if (isReserved(known, value)) {
      add(
        file,
        param.valueSpan,
        'reserved-name',
        `'${value}' is reserved for the admin console and cannot be used for ${known.name}.`,
      );
    }
  }

  /** Moves a [pgbouncer] setting written in [databases] to the end of the [pgbouncer] section. */
  function moveToMainFix(at: Located, mainSetting: Setting): Fix | null {
    if (at.file !== model.root || !acceptedBy(mainSetting, at.entry.value.text)) return null;
    if (!availableIn(mainSetting.addedIn, target) || mainSetting.platform) return null;
    // Moving it next to an explicit value of the same setting would only make a duplicate.
    const alreadySet = model.events.some(
      (e) => e.kind === 'entry' && e.section === 'pgbouncer' && e.entry.key.text === mainSetting.name,
    );
    if (alreadySet) return null;
    const insert = insertMainSetting(model, mainSetting.name, at.entry.value.text);
    if (!insert) return null;
    return fix(
      `Move ${mainSetting.name} to [pgbouncer]`,
      'safe',
      [deleteEntry(at.file, at.entry), insert],
      [`setting:${mainSetting.name}`],
    );
  }

  function checkDatabase(at: Located): void {
    const { entry, file } = at;
    const name = entry.key.text;
    if (GRAMMAR.reservedDatabaseNames.includes(name)) {
      add(
        file,
        entry.key.span,
        'reserved-name',
        `The database name '${name}' is reserved for PgBouncer's admin console; PgBouncer refuses it.`,
      );
      return;
    }
    // UTF-8 needs at most 3 bytes per UTF-16 unit: short names need no count.
    const bytes =
      name.length * 3 <= GRAMMAR.maxDatabaseNameBytes ? name.length : Buffer.byteLength(name, 'utf8');
    if (bytes > GRAMMAR.maxDatabaseNameBytes) {
      add(
        file,
        entry.key.span,
        'name-too-long',
        `The database name is ${bytes} bytes long; PgBouncer allows at most ${GRAMMAR.maxDatabaseNameBytes} and refuses it.`,
      );
      return;
    }
    const isFallback = name === GRAMMAR.fallbackDatabaseName;
    const connString = connStringOf(file.parsed, entry);
    const slot = model.databaseNames.slotOf(entry);
    // Most database names are not [pgbouncer] settings: the slot remembers.
    slot.isMainSetting ??= setting('pgbouncer', name) !== undefined;
    const mainSetting = slot.isMainSetting ? setting('pgbouncer', name) : undefined;
    const looksMisplaced =
      mainSetting !== undefined &&
      (connString.error !== null || connString.params.some((p) => !setting('databases', p.key)));
    if (looksMisplaced && !isFallback) {
      add(
        file,
        entry.key.span,
        'misplaced-setting',
        `'${name}' is a [pgbouncer] setting, but it is in [databases], where PgBouncer reads it as a database named '${name}' and refuses the value. Move it to [pgbouncer].`,
        { fixes: [moveToMainFix(at, mainSetting)] },
      );
      return;
    }
    if (connString.error) {
      add(
        file,
        connString.error.span,
        isFallback ? 'autodb-connection-string' : 'connection-string-syntax',
        `${connString.error.message}${isFallback ? '' : ' PgBouncer refuses this database entry.'}`,
        isFallback ? { severity: 'warning' } : {},
      );
    }
    checkConnParams(at, 'databases', connString, isFallback);
    if (!isFallback) {
      // auth_user= makes PgBouncer create that user when it loads the entry (not for the fallback
      // '*'); the last one written counts.
      const authUserIndex = lastParamIndex(connString, 'auth_user');
      const authUser = authUserIndex === -1 ? undefined : paramAt(connString, authUserIndex);
      if (authUser) addGlobalUser(authUser.value, { file, span: authUser.valueSpan });
    }
    const previous = slot.validatedIn === pass ? (slot.validatedAt as Located) : undefined;
    if (previous) {
      reportDuplicate(at, previous, 'duplicate-database', {
        message: `Database '${name}' is already defined on ${where(previous)}; PgBouncer uses this later definition.`,
        earlier: 'earlier definition, without effect',
        fixTitle: `Remove the earlier definition of '${name}', which has no effect`,
      });
    }
    slot.validatedIn = pass;
    slot.validatedAt = at;
  }

  /**
   * PgBouncer keeps the users of [users] keys and of [databases] auth_user= in one sorted list
   * (add_user in objects.c), with names cut to MAX_USER_NAME_BYTES. It looks a name up uncut, so a
   * longer name is never found and is added again: when its cut name is already in the list,
   * PgBouncer stops with "put_in_order: found existing elem" (measured on 1.18).
   */
  function addGlobalUser(name: string, where: { file: LoadedFile; span: Span }): void {
    const bytes = Buffer.from(name, 'utf8');
    if (bytes.length <= MAX_USER_NAME_BYTES) {
      const key = bytes.toString('latin1');
      if (!globalUsers.has(key)) globalUsers.set(key, where);
      return;
    }
    const cut = bytes.subarray(0, MAX_USER_NAME_BYTES).toString('latin1');
    const earlier = globalUsers.get(cut);
    if (!earlier) {
      globalUsers.set(cut, where);
      return;
    }
    const line = earlier.file.parsed.lineIndex.positionAt(earlier.span.start).line + 1;
    const place = earlier.file === where.file ? `line ${line}` : `${earlier.file.path}:${line}`;
    add(
      where.file,
      where.span,
      'name-too-long',
      `The user name is ${bytes.length} bytes long; PgBouncer keeps only the first ${MAX_USER_NAME_BYTES}, which are those of the user on ${place}, and then refuses to start ("found existing elem").`,
      {
        related: [
          { file: earlier.file.path, span: earlier.span, message: 'the user whose name it collides with' },
        ],
      },
    );
  }

  function checkUser(at: Located): void {
    const { entry, file } = at;
    const connString = connStringOf(file.parsed, entry);
    if (connString.error) {
      add(
        file,
        connString.error.span,
        'connection-string-syntax',
        `${connString.error.message} PgBouncer refuses this user entry.`,
      );
    }
    checkConnParams(at, 'users', connString, false);
    addGlobalUser(entry.key.text, { file, span: entry.key.span });
    const previous = users.get(entry.key.text);
    if (previous) {
      reportDuplicate(at, previous, 'duplicate-user', {
        message: `User '${entry.key.text}' is already listed on ${where(previous)}; PgBouncer uses this later entry.`,
        earlier: 'earlier entry, without effect',
        fixTitle: `Remove the earlier entry for '${entry.key.text}', which has no effect`,
      });
    }
    users.set(entry.key.text, at);
  }

  function checkPeer(at: Located): void {
    const { entry, file } = at;
    const { min, max } = GRAMMAR.peerIdRange;
    if (readStrtonum(entry.key.text, min, max) === null) {
      add(
        file,
        entry.key.span,
        'invalid-peer-id',
        `Peer id '${entry.key.text}' must be a whole number from ${min} to ${max}.`,
      );
      return;
    }
    const connString = connStringOf(file.parsed, entry);
    if (connString.error) {
      add(
        file,
        connString.error.span,
        'connection-string-syntax',
        `${connString.error.message} PgBouncer refuses this peer.`,
      );
      return;
    }
    checkConnParams(at, 'peers', connString, false);
    for (const required of settingsOf('peers').filter((s) => s.required)) {
      if (!connString.params.some((p) => p.key === required.name)) {
        add(
          file,
          entry.key.span,
          'missing-required-parameter',
          `Peer ${entry.key.text} has no ${required.name}; PgBouncer refuses it.`,
        );
      }
    }
    peers.set(entry.key.text, at);
  }

  for (const file of model.files) {
    if (file.parsed.nulOffset !== null) {
      add(
        file,
        { start: file.parsed.nulOffset, end: file.parsed.nulOffset + 1 },
        'nul-character',
        'PgBouncer stops reading the file at this NUL character; everything after it is ignored.',
      );
    }
  }

  if (!sawMainSection) {
    add(
      model.root,
      { start: 0, end: 0 },
      'missing-pgbouncer-section',
      'There is no [pgbouncer] section; PgBouncer refuses to start without one.',
    );
  }

  checkTls(pgbouncerSettings);
  checkListenPort(pgbouncerSettings);
  checkListeners(pgbouncerSettings);
  summariseIncludes();
  return dedupe(findings);

  function effective(settings: Map<string, Located>, name: string): string {
    const at = settings.get(name);
    if (at) return at.entry.value.text;
    const known = setting('pgbouncer', name);
    return known ? (defaultFor(known, target) ?? '') : '';
  }

  function checkTls(settings: Map<string, Located>): void {
    if (!sawMainSection) return;
    const clientMode = effective(settings, 'client_tls_sslmode').toLowerCase();
    const serverMode = effective(settings, 'server_tls_sslmode').toLowerCase();
    const authType = effective(settings, 'auth_type').toLowerCase();
    const anchor = (name: string): Located | undefined => settings.get(name);
    const report = (names: string[], message: string, code = 'tls-files-required'): void => {
      const located = names.map(anchor).find((x) => x !== undefined);
      if (located) add(located.file, located.entry.value.span, code, message);
      else add(model.root, { start: 0, end: 0 }, code, message);
    };
    const validModes = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);
    if (validModes.has(clientMode) && clientMode !== 'disable') {
      const missing = ['client_tls_key_file', 'client_tls_cert_file'].filter(
        (n) => effective(settings, n) === '',
      );
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
      } else if (effective(settings, 'client_tls_ca_file') === '') {
        report(
          ['auth_type'],
          `auth_type = cert needs client_tls_ca_file to verify client certificates; PgBouncer refuses to start.`,
        );
      }
    } else if (clientMode === 'verify-full' && effective(settings, 'client_tls_ca_file') === '') {
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
      if (!validModes.has(mode) || mode === 'disable') continue;
      const protocolsName = `${side}_tls_protocols`;
      const badWord = badProtocolWord(effective(settings, protocolsName), target);
      if (badWord !== null) {
        report(
          [protocolsName],
          `Unknown TLS protocol '${badWord}' in ${protocolsName}; PgBouncer refuses to start when it sets up TLS. Use secure, all, or tlsv1.2/tlsv1.3 (a list may use ',' or ':').`,
          'invalid-tls-setting',
        );
      }
      const ciphersName = `${side}_tls_ciphers`;
      const ciphers = checkCipherList(effective(settings, ciphersName), target);
      if (ciphers.selectsNothing) {
        report(
          [ciphersName],
          `${ciphersName} selects no cipher OpenSSL knows${ciphers.unknownWords.length > 0 ? ` (unknown: ${ciphers.unknownWords.slice(0, 3).join(', ')})` : ''}; PgBouncer refuses to start. Use default, or an OpenSSL cipher list such as HIGH:!aNULL (names are case-sensitive).`,
          'invalid-tls-setting',
        );
      } else if (ciphers.unknownWords.length > 0 && settings.get(ciphersName)) {
        const at = settings.get(ciphersName) as Located;
        add(
          at.file,
          at.entry.value.span,
          'ignored-text',
          `OpenSSL does not know ${ciphers.unknownWords.map((w) => `'${w}'`).join(', ')} and silently skips ${ciphers.unknownWords.length === 1 ? 'it' : 'them'}.`,
        );
      }
      if (side === 'client') {
        const dheparams = effective(settings, 'client_tls_dheparams');
        if (!validDheParams(dheparams, target)) {
          report(
            ['client_tls_dheparams'],
            `Invalid client_tls_dheparams '${dheparams}'; use none or auto. PgBouncer refuses to start.`,
            'invalid-tls-setting',
          );
        }
        const curve = effective(settings, 'client_tls_ecdhcurve');
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
  }

  function checkListeners(settings: Map<string, Located>): void {
    if (!sawMainSection) return;
    if (effective(settings, 'listen_addr') === '' && effective(settings, 'unix_socket_dir') === '') {
      const at = settings.get('unix_socket_dir') ?? settings.get('listen_addr');
      const message =
        'Neither listen_addr nor unix_socket_dir is set, so PgBouncer has nowhere to listen and refuses to start.';
      if (at) add(at.file, at.entry.key.span, 'nowhere-to-listen', message);
      else add(model.root, { start: 0, end: 0 }, 'nowhere-to-listen', message);
    }
  }

  function checkListenPort(settings: Map<string, Located>): void {
    const port = settings.get('listen_port');
    if (!port) return;
    const reading = readCInt(port.entry.value.text);
    if (reading.ok && reading.stored < 0 && effective(settings, 'listen_addr') !== '') {
      add(
        port.file,
        port.entry.value.span,
        'invalid-port',
        `listen_port ${reading.stored} is negative; PgBouncer cannot resolve the listen address with it and refuses to start.`,
      );
    }
  }

  function summariseIncludes(): void {
    const errorsByInclude = new Map<
      string,
      { file: LoadedFile; span: Span; count: number; first: Finding & { origin: LoadedFile } }
    >();
    for (const finding of findings) {
      if (finding.origin.depth === 0 || finding.severity !== 'error') continue;
      let top = finding.origin;
      while (top.includedFrom && top.includedFrom.file.depth > 0) top = top.includedFrom.file;
      const from = top.includedFrom;
      if (!from) continue;
      const key = `${from.include.span.start}`;
      const known = errorsByInclude.get(key);
      if (known) known.count++;
      else
        errorsByInclude.set(key, { file: from.file, span: from.include.pathSpan, count: 1, first: finding });
    }
    for (const { file, span, count, first } of errorsByInclude.values()) {
      const line = first.origin.parsed.lineIndex.positionAt(first.span.start).line + 1;
      // The kind of problem, not its message: that quotes the included file, which is not shown.
      const kind = CHECKS.get(first.code)?.title.toLowerCase() ?? first.code;
      add(
        file,
        span,
        'include-has-errors',
        `The included file has ${count === 1 ? 'an error that stops' : `${count} errors that stop`} PgBouncer; the first is on ${first.file}:${line} (${kind}).`,
        { related: [{ file: first.file, span: first.span, message: first.message }] },
      );
    }
  }
}

/** Whether PgBouncer would accept `value` for the setting (its type only; for repair fixes). */
function acceptedBy(known: Setting, value: string): boolean {
  switch (known.type) {
    case 'int':
    case 'bool':
      return readCInt(value).ok;
    case 'uint':
      return readCUint(value).ok;
    case 'time':
      return readCTime(value).ok;
    case 'enum':
      return (known.values ?? []).some((v) => v.name.toLowerCase() === value.toLowerCase());
    default:
      return true;
  }
}

/** "10s", "2min", "1h" as a number of seconds, or null. */
function unitSeconds(text: string): number | null {
  const match =
    /^([+-]?(?:\d+\.?\d*|\.\d+))\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$/i.exec(
      text,
    );
  if (!match) return null;
  const unit = match[2].toLowerCase();
  const factor =
    unit === 'ms'
      ? 0.001
      : /^m(in|ins|inutes?)?$/.test(unit)
        ? 60
        : unit.startsWith('h')
          ? 3600
          : unit.startsWith('d')
            ? 86400
            : 1;
  const seconds = Number(match[1]) * factor;
  return seconds >= 0 ? Number(seconds.toFixed(3)) : null;
}

function unitToSeconds(text: string): string | null {
  const seconds = unitSeconds(text);
  return seconds === null ? null : `${seconds} (${describeSeconds(seconds)})`;
}

/** Deletes one connection-string parameter and the spaces after it. */
function removeParam(file: LoadedFile, param: ConnParam): TextEdit {
  const text = file.parsed.text;
  let end = param.valueSpan.end;
  while (text[end] === ' ') end++;
  return { file: file.path, span: { start: param.keySpan.start, end }, newText: '' };
}

function dedupe(findings: (Finding & { origin: LoadedFile })[]): Finding[] {
  const seen = new Set<string>();
  const result: Finding[] = [];
  for (const { origin: _origin, ...finding } of findings) {
    const key = `${finding.file}\0${finding.span.start}\0${finding.span.end}\0${finding.code}\0${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(finding);
  }
  return result;
}
