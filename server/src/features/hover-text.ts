// Markdown about settings, values and sections, built from the catalog only: hover shows it,
// completion uses it as item documentation. Every fact comes from schemas/pgbouncer-settings.json.

import { describeFileKind, fileKind } from '../files/guarded-read';
import * as path from 'node:path';
import { resolvePath } from '../model/config';
import { RULES } from '../rules';
import { availableIn, defaultFor, GRAMMAR, removedBy, setting } from '../catalog/catalog';
import type { EnumValue, SectionInfo, Setting, SettingType, Version } from '../catalog/catalog';
import type { Finding } from '../findings/finding';
import { describeSeconds, readAtoi, readCInt, readCTime, readCUint } from '../catalog/values';

/** Catalog prose inside Markdown: angle brackets such as "<port>" would be taken for HTML and vanish. */
function prose(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks in the text; an empty value is spelled out. */
export function code(text: string): string {
  if (text === '') return '*(empty)*';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const TYPE_WORDS: Record<SettingType, string> = {
  int: 'whole number',
  uint: 'whole number (unsigned)',
  bool: 'boolean: 0 is off, 1 is on',
  enum: 'one of the values listed below',
  time: 'number of seconds, fractions allowed (0.5 is half a second)',
  string: 'text',
  path: 'file path, absolute or relative to the directory PgBouncer runs in',
  list: 'comma-separated list',
};

function typeWords(s: Setting): string {
  if (s.section !== 'pgbouncer' && (s.type === 'int' || s.type === 'time')) {
    return 'whole number (connection strings read only the leading digits)';
  }
  if (s.type === 'path' && s.pathKind === 'directory') {
    return 'directory path, absolute or relative to the directory PgBouncer runs in';
  }
  return TYPE_WORDS[s.type];
}

/** Enum values usable in the target version, deprecated ones last. */
export function currentValues(s: Setting, target: Version): EnumValue[] {
  const values = (s.values ?? []).filter(
    (v) => availableIn(v.addedIn, target) && !removedBy(v.removedIn, target),
  );
  return [...values.filter((v) => !v.deprecated), ...values.filter((v) => v.deprecated)];
}

/** Whether RELOAD applies the setting in the target version; undefined when the catalog does not say. */
export function reloadableIn(s: Setting, target: Version): boolean | undefined {
  let value = s.reloadable;
  for (const step of s.reloadableHistory ?? []) {
    if (availableIn(step.since, target)) value = step.value;
  }
  return value;
}

export function isDeprecatedIn(s: Setting, target: Version): boolean {
  return s.deprecated !== undefined && availableIn(s.deprecated.since, target);
}

/**
 * Whether the value names a [databases] entry. The catalog marks this through the admin
 * database being a reserved value (auth_dbname); a connection parameter that overrides such a
 * [pgbouncer] setting takes the same kind of value.
 */
export function takesDatabaseName(s: Setting): boolean {
  const names = (t: Setting | undefined): boolean =>
    (t?.reservedValues ?? []).some((v) => GRAMMAR.reservedDatabaseNames.includes(v));
  return names(s) || (s.section !== 'pgbouncer' && names(setting('pgbouncer', s.name)));
}

function defaultText(s: Setting, target: Version): string {
  const value = defaultFor(s, target);
  const note = s.defaultNote ? ` (${s.defaultNote})` : '';
  if (value === null) return s.defaultNote ?? 'none';
  return `${code(value)}${note}`;
}

function sectionLabel(s: Setting): string {
  return s.section === 'pgbouncer' ? '`[pgbouncer]` setting' : `\`[${s.section}]\` parameter`;
}

/** What a setting is and does, for a hover on its key or a completion item. */
export function settingMarkdown(s: Setting, target: Version): string {
  const facts: string[] = [];
  facts.push(`Type: ${typeWords(s)}`);
  if (s.unit) facts.push(`Unit: ${s.unit}`);
  facts.push(`Default in PgBouncer ${target.label}: ${defaultText(s, target)}`);
  const history = s.defaults ?? [];
  if (new Set(history.map((d) => d.value)).size > 1) {
    facts.push(`Default over time: ${history.map((d) => `${code(d.value)} from ${d.since}`).join(', ')}`);
  }
  if (s.range && (s.range.min !== undefined || s.range.max !== undefined)) {
    const { min, max } = s.range;
    facts.push(
      `Range: ${
        min !== undefined && max !== undefined
          ? `${min} to ${max}`
          : min !== undefined
            ? `${min} or more`
            : `at most ${max}`
      }`,
    );
  }
  if (s.zeroMeans) facts.push(`0 means: ${s.zeroMeans}`);
  if (s.recommended !== undefined) facts.push(`Recommended: ${code(s.recommended)}`);
  facts.push(
    availableIn(s.addedIn, target)
      ? `Added in ${s.addedIn === 'unreleased' ? 'an unreleased version' : s.addedIn}`
      : `**Not in PgBouncer ${target.label}**: added in ${s.addedIn === 'unreleased' ? 'an unreleased version' : s.addedIn}`,
  );
  if (s.deprecated) {
    const instead = s.deprecated.replacement ? `; use ${code(s.deprecated.replacement)} instead` : '';
    const note = s.deprecated.note ? `. ${s.deprecated.note}` : '';
    facts.push(`**Deprecated** since ${s.deprecated.since}${instead}${note}`);
  }
  if (s.platform) facts.push(`Only in ${s.platform === 'windows' ? 'Windows' : s.platform} builds`);
  const reloadable = reloadableIn(s, target);
  if (reloadable !== undefined) {
    let applied = reloadable
      ? 'a RELOAD (or SIGHUP) applies a change'
      : 'a change needs a restart of PgBouncer; RELOAD keeps the old value';
    const steps = s.reloadableHistory ?? [];
    if (new Set(steps.map((step) => step.value)).size > 1) {
      applied += ` (${steps.map((step) => `${step.value ? 'RELOAD' : 'restart'} from ${step.since}`).join(', ')})`;
    }
    facts.push(`Applying: ${applied}`);
  }
  const parts = [
    `**${s.name}** · ${sectionLabel(s)}`,
    prose(s.description),
    facts.map((f) => `- ${f}`).join('\n'),
  ];
  const values = s.values ?? [];
  if (values.length > 0) parts.push(`Values:\n${values.map((v) => `- ${valueLine(v, target)}`).join('\n')}`);
  if (s.docUrl) parts.push(`[PgBouncer documentation](${s.docUrl})`);
  return parts.join('\n\n');
}

function valueLine(v: EnumValue, target: Version): string {
  const notes: string[] = [];
  if (!availableIn(v.addedIn, target)) notes.push(`added in ${v.addedIn}`);
  if (v.removedIn)
    notes.push(`removed in ${v.removedIn}${v.replacement ? `, use ${code(v.replacement)}` : ''}`);
  if (v.deprecated) notes.push('deprecated');
  if (v.buildOption) notes.push('only in builds that include it');
  const note = notes.length > 0 ? ` *(${notes.join('; ')})*` : '';
  return `${code(v.name)}${v.description ? `: ${prose(v.description)}` : ''}${note}`;
}

/** Markdown for an enum value on its own, for completion items. */
export function enumValueMarkdown(s: Setting, v: EnumValue, target: Version): string {
  const parts = [valueLine(v, target)];
  const fallback = defaultFor(s, target);
  if (fallback !== null && fallback.toLowerCase() === v.name.toLowerCase()) parts.push('The default.');
  if (s.recommended !== undefined && s.recommended.toLowerCase() === v.name.toLowerCase()) {
    parts.push('The recommended value.');
  }
  return parts.join('\n\n');
}

export function sectionMarkdown(info: SectionInfo, target: Version): string {
  const parts = [`**[${info.name}]** section`, prose(info.description)];
  parts.push(
    availableIn(info.addedIn, target)
      ? `Added in ${info.addedIn}`
      : `**Not in PgBouncer ${target.label}**: added in ${info.addedIn}`,
  );
  if (info.docUrl) parts.push(`[PgBouncer documentation](${info.docUrl})`);
  return parts.join('\n\n');
}

const RULES_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** Audit advice for a hover: each finding's message, with a link to the rule's background. */
export function findingsMarkdown(findings: readonly Finding[]): string | null {
  if (findings.length === 0) return null;
  return findings
    .map((finding) => {
      const rule = RULES_BY_ID.get(finding.code);
      const link = rule ? ` [More about ${code(rule.id)}](${rule.docs.link})` : '';
      return `**Audit** (${finding.severity}): ${finding.message}${link}`;
    })
    .join('\n\n');
}

function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  if (Math.abs(bytes) < 1024) return `${bytes} bytes`;
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (Math.abs(value) < 1024) break;
    value /= 1024;
    unit = next;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${rounded === value ? '' : 'about '}${rounded} ${unit}`;
}

function permissions(mode: number): string {
  const letters = 'rwxrwxrwx';
  let out = '';
  for (let bit = 8; bit >= 0; bit--) out += mode & (1 << bit) ? letters[8 - bit] : '-';
  return out;
}

/** Reading of a number in the setting's unit, e.g. 900 seconds as 15 min. */
function inUnit(s: Setting, value: number): string | null {
  switch (s.unit) {
    case 'seconds':
      return value >= 60 || (value > 0 && value < 1) ? describeSeconds(value) : null;
    case 'milliseconds':
      return value >= 1000 ? describeSeconds(value / 1000) : null;
    case 'bytes':
      return value >= 1024 ? formatBytes(value) : null;
    default:
      return null;
  }
}

export interface ValueContext {
  target: Version;
  /** Directory relative paths resolve against. */
  runDirectory: string;
  /** Names defined in [databases], for settings that name a database. */
  databases: ReadonlyMap<string, unknown>;
}

function isDefault(
  s: Setting,
  value: string,
  target: Version,
  same: (a: string, b: string) => boolean,
): boolean {
  const fallback = defaultFor(s, target);
  return fallback !== null && fallback !== '' && same(fallback, value);
}

function numericMeaning(s: Setting, value: number, lines: string[]): void {
  const unit = inUnit(s, value);
  if (unit) lines.push(`${value} ${s.unit} = **${unit}**.`);
  if (value === 0 && s.zeroMeans) lines.push(`0 means: ${s.zeroMeans}.`);
  else if (value < 0 && s.default !== null && Number(s.default) < 0 && s.defaultNote) {
    lines.push(`A negative value means: ${s.defaultNote}.`);
  }
  const range = s.range;
  if (
    range &&
    ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max))
  ) {
    lines.push(
      `Outside the range the catalog considers sensible (${range.min ?? '…'} to ${range.max ?? '…'}).`,
    );
  }
}

function sameInt(a: string, b: string): boolean {
  const x = readCInt(a);
  const y = readCInt(b);
  return a === b || (x.ok && y.ok && x.stored === y.stored);
}

/** What a value means for a setting: the number PgBouncer reads, in its unit, and what 0 does. */
export function valueMeaning(s: Setting, raw: string, inConnString: boolean, ctx: ValueContext): string[] {
  const lines: string[] = [];
  const { target } = ctx;
  const numberSame = (a: string, b: string): boolean => {
    const x = readCTime(a);
    const y = readCTime(b);
    return a === b || (x.ok && y.ok && x.seconds === y.seconds);
  };
  switch (s.type) {
    case 'int':
    case 'uint':
    case 'bool':
    case 'time': {
      if (inConnString) {
        const reading = readAtoi(raw);
        if (!reading.digits) {
          lines.push(`${code(raw)} is not a number: PgBouncer reads it as 0.`);
        } else if (reading.consumed < raw.length) {
          lines.push(
            `PgBouncer reads the leading number, ${reading.value}, and ignores ${code(raw.slice(reading.consumed))}.`,
          );
        } else if (/^[+-]?0\d/.test(raw)) {
          lines.push(`Read as decimal ${reading.value}: connection strings have no octal numbers.`);
        }
        numericMeaning(s, reading.value, lines);
        if (isDefault(s, raw, target, numberSame)) lines.push(`This is the default.`);
        break;
      }
      if (s.type === 'time') {
        const reading = readCTime(raw);
        if (!reading.ok) {
          lines.push(`PgBouncer cannot read ${code(raw)} as a number of seconds and refuses to start.`);
          break;
        }
        if (reading.special === 'nan') {
          lines.push(`${code(raw)} is accepted but is not a usable number of seconds.`);
          break;
        }
        // What PgBouncer keeps: a time its 64-bit microsecond count cannot hold is 0.
        if (reading.tooLarge) {
          lines.push(`Too large for PgBouncer's count of microseconds: it keeps **0**.`);
        }
        const seconds = reading.stored;
        if (seconds > 0 && seconds < 60 && !inUnit(s, seconds)) {
          lines.push(`${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`);
        }
        numericMeaning(s, seconds, lines);
        if (isDefault(s, raw, target, numberSame)) lines.push(`This is the default.`);
        break;
      }
      const reading = s.type === 'uint' ? readCUint(raw) : readCInt(raw);
      if (!reading.ok) {
        lines.push(`PgBouncer cannot read ${code(raw)} as a whole number and refuses to start.`);
        break;
      }
      const stored = reading.stored;
      if (reading.radix === 8 && reading.value !== 0) {
        lines.push(
          s.unit === 'octal mode'
            ? `Octal ${code(raw)} = permissions **${permissions(stored)}** (decimal ${stored}).`
            : `The leading 0 makes PgBouncer read ${code(raw)} as **octal**: the value is ${stored}.`,
        );
      } else if (reading.radix === 16) {
        lines.push(`Hexadecimal: the value is ${stored}.`);
      }
      if (reading.overflow) lines.push(`Too large for 32 bits: PgBouncer stores ${stored}.`);
      if (s.type === 'bool') {
        lines.push(
          stored === 0
            ? '**off**'
            : stored === 1
              ? '**on**'
              : `**on**: any number other than 0 counts as on; write 1.`,
        );
      } else {
        numericMeaning(s, stored, lines);
      }
      if (isDefault(s, raw, target, sameInt)) lines.push(`This is the default.`);
      break;
    }
    case 'enum': {
      const match = (s.values ?? []).find((v) => v.name.toLowerCase() === raw.toLowerCase());
      if (!match) {
        lines.push(`${code(raw)} is not a value PgBouncer knows for ${s.name}.`);
        break;
      }
      lines.push(valueLine(match, target));
      if (removedBy(match.removedIn, target)) lines.push(`PgBouncer ${target.label} no longer accepts it.`);
      else if (!availableIn(match.addedIn, target))
        lines.push(`PgBouncer ${target.label} does not accept it yet.`);
      if (isDefault(s, raw, target, (a, b) => a.toLowerCase() === b.toLowerCase()))
        lines.push('This is the default.');
      break;
    }
    case 'path': {
      if (raw === '') break;
      const resolved = resolvePath(raw, ctx.runDirectory);
      lines.push(
        `Resolves to ${code(resolved)}${raw.startsWith('/') ? '' : ` (relative to ${code(ctx.runDirectory)})`}.`,
      );
      lines.push(existence(resolved, s.pathKind ?? 'input-file'));
      break;
    }
    default: {
      if (takesDatabaseName(s) && raw !== '') {
        lines.push(
          ctx.databases.has(raw)
            ? `Database ${code(raw)} is defined in [databases].`
            : `No database ${code(raw)} is defined in [databases].`,
        );
      }
      if (isDefault(s, raw, target, (a, b) => a === b)) lines.push('This is the default.');
    }
  }
  if (s.recommended !== undefined && s.recommended === raw) lines.push('This is the recommended value.');
  return lines;
}

/** Whether a resolved path exists on this machine, in the way the setting needs it. */
export function existence(resolved: string, kind: NonNullable<Setting['pathKind']>): string {
  if (kind === 'output-file') {
    const dir = path.dirname(resolved);
    return fileKind(dir) === 'directory'
      ? `Its directory exists on this machine${fileKind(resolved) ? '; the file is there too' : ''}.`
      : `Its directory ${code(dir)} does not exist on this machine.`;
  }
  const found = fileKind(resolved);
  if (found === null) return 'It does not exist on this machine.';
  const wanted = kind === 'directory' ? 'directory' : 'file';
  if (found === wanted) return wanted === 'directory' ? 'The directory exists.' : 'The file exists.';
  return `It is ${describeFileKind(found)}, not ${describeFileKind(wanted)}.`;
}
