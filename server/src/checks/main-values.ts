// The values of [pgbouncer] settings, read the way PgBouncer's C readers read them (see
// catalog/values.ts): numbers, times, booleans, enums and strings; and what PgBouncer silently
// makes of them (octal, wrap-around, overflow, kept quotes, "inline comments").

import { lineBreakAt } from '../findings/fix';
import type { Fix, FixKind } from '../findings/fix';
import { availableIn, closestName, removedBy, setting, versionLabel } from '../catalog/catalog';
import type { Setting } from '../catalog/catalog';
import { USEC_LIMIT_SECONDS, describeSeconds, readCInt, readCTime, readCUint } from '../catalog/values';
import { replace } from '../model/edits';
import type { LoadedFile } from '../model/config';
import type { Entry, Span } from '../syntax/syntax';
import { ACCEPTED } from './check';
import type { Check, CheckContext } from './check';
import { fix } from './fixes';

/** '; ...' or '# ...' after a blank, or as the whole value (the parser has dropped the blanks before it). */
export const INLINE_COMMENT = /(^|[ \t])[;#]/;
/** 2^64 microseconds in seconds, as people write it (1.8e13). */
const USEC_LIMIT_TEXT = USEC_LIMIT_SECONDS.toPrecision(2).replace('+', '');

export const mainSettingValues: Check = {
  name: '[pgbouncer] setting values',
  reports: [
    'invalid-value',
    'octal-number',
    'negative-value',
    'integer-overflow',
    'bool-not-0-or-1',
    'value-out-of-range',
    'port-out-of-range',
    'removed-value',
    'newer-than-target',
    'deprecated',
    'reserved-name',
    'inline-comment',
    'ignored-text',
  ],
  entriesIn: ['pgbouncer'],
  entry(at, context) {
    // A key that names no setting has been refused (main-settings.ts).
    const known = setting('pgbouncer', at.entry.key.text);
    if (known) checkMainValue(at.file, at.entry, known, context);
    return ACCEPTED;
  },
};

function checkMainValue(file: LoadedFile, entry: Entry, known: Setting, context: CheckContext): void {
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
          detail = ' A leading 0 makes PgBouncer read the number as octal, and 8 and 9 are not octal digits.';
        }
        if (!detail && /^[+-]?\d+(\.\d+)?\s*[a-zA-Z]+$/.test(value)) {
          detail = ' Write a plain number without a unit.';
        }
        if (!detail)
          detail = known.type === 'bool' ? ' Expected 0 (off) or 1 (on).' : ' Expected a whole number.';
        const boolWord = /^(yes|true|on)$/i.test(value) ? '1' : /^(no|false|off)$/i.test(value) ? '0' : null;
        context.report(file, span, 'invalid-value', `Invalid value '${value}' for ${name}.${detail}`, {
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
        context.report(
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
        context.report(
          file,
          span,
          'negative-value',
          `${name} is unsigned: ${value} wraps around to ${reading.stored}.`,
        );
        return;
      }
      if (reading.overflow) {
        context.report(
          file,
          span,
          'integer-overflow',
          `${value} does not fit in ${known.type === 'uint' ? 'an unsigned' : 'a'} 32-bit integer; PgBouncer silently stores ${reading.stored}.`,
        );
        return;
      }
      if (known.type === 'bool') {
        if (reading.value !== 0 && reading.value !== 1) {
          context.report(
            file,
            span,
            'bool-not-0-or-1',
            `${name} is a boolean: ${value} counts as on (1). Write 0 or 1.`,
            // 1 is what PgBouncer makes of it: the same behaviour, spelt plainly.
            { fixes: [setValueFix('1', 'Write 1', 'safe')] },
          );
        }
        return;
      }
      checkNumberRange(file, span, known, reading.stored, value, context);
      return;
    }
    case 'time': {
      const reading = readCTime(value);
      if (!reading.ok) {
        let detail = commentHint || quoteHint;
        if (!detail && value === '') detail = ' The value is empty.';
        if (!detail && reading.reason === 'negative') detail = ' Times cannot be negative; 0 disables it.';
        if (!detail && reading.reason === 'range') {
          detail = ' The number is too large or too small for a C double (strtod reports it out of range).';
        }
        const withUnit = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*[a-zA-Z]+$/.exec(value);
        if (!detail && withUnit) {
          detail = ` Times are plain numbers of seconds without a unit: write ${unitToSeconds(value) ?? withUnit[1]}.`;
        }
        if (!detail) detail = ' Expected a number of seconds, such as 30 or 0.5.';
        const seconds = unitSeconds(value);
        context.report(file, span, 'invalid-value', `Invalid value '${value}' for ${name}.${detail}`, {
          fixes: [
            ...repairFixes(),
            seconds !== null ? setValueFix(String(seconds), `Write ${seconds} (seconds)`, 'safe') : null,
            // A unit we cannot convert ("10 parsecs"): the number is only a guess at what was meant.
            seconds === null && withUnit ? setValueFix(withUnit[1], 'Remove the unit', 'suggestion') : null,
          ],
        });
        return;
      }
      if (reading.special === 'nan') {
        context.report(
          file,
          span,
          'value-out-of-range',
          `PgBouncer accepts '${value}' for ${name}, but it is not a number of seconds: PgBouncer ends up with 2^63 microseconds (about 292,000 years).`,
        );
        return;
      }
      if (reading.tooLarge) {
        const zero = known.zeroMeans ? `, and 0 means: ${known.zeroMeans}` : '';
        context.report(
          file,
          span,
          'value-out-of-range',
          reading.special === 'inf'
            ? `PgBouncer accepts '${value}' for ${name}, but its 64-bit count of microseconds cannot hold it: it silently stores 0${zero}.`
            : `${value} s does not fit in PgBouncer's 64-bit count of microseconds (at most about ${USEC_LIMIT_TEXT} s): it silently stores 0 for ${name}${zero}.`,
        );
        return;
      }
      if (reading.seconds > 0 && reading.stored === 0) {
        context.report(
          file,
          span,
          'value-out-of-range',
          `${value} s is below a microsecond; PgBouncer stores 0${known.zeroMeans ? ` (${known.zeroMeans})` : ' (disabled)'}.`,
        );
        return;
      }
      checkNumberRange(file, span, known, reading.stored, value, context);
      return;
    }
    case 'enum': {
      checkEnumValue(file, span, known, value, quoteHint || commentHint, context, {
        repairs: repairFixes(),
        setValue: setValueFix,
      });
      return;
    }
    case 'string':
    case 'list':
    case 'path': {
      if (isReserved(known, value, context)) {
        context.report(
          file,
          span,
          'reserved-name',
          `'${value}' is reserved for the admin console and cannot be used for ${name}.`,
        );
        return;
      }
      if (commentIndex >= 0) {
        context.report(
          file,
          {
            start: entry.value.span.start + commentIndex + (commentIndex > 0 ? 1 : 0),
            end: entry.value.span.end,
          },
          'inline-comment',
          `'${value.slice(commentIndex).trim()}' looks like a comment, but PgBouncer has no inline comments: it is part of the value of ${name}. Put the comment on its own line.`,
          // It changes the value PgBouncer uses, even if that is what was meant.
          { fixes: [moveCommentFix('recommended')] },
        );
      } else if (quoted) {
        context.report(
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
      return;
    }
  }
}

/** Whether the value is one the setting may not take (the admin console's name). */
export function isReserved(known: Setting, value: string, context: Pick<CheckContext, 'target'>): boolean {
  return (
    known.reservedValues !== undefined &&
    known.reservedValues.includes(value) &&
    availableIn(known.reservedValuesSince ?? known.addedIn, context.target)
  );
}

function checkNumberRange(
  file: LoadedFile,
  span: Span,
  known: Setting,
  value: number,
  text: string,
  context: CheckContext,
): void {
  const range = known.range;
  if (value < 0 && (range?.min === undefined || range.min >= 0)) {
    context.report(
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
      context.report(
        file,
        span,
        'port-out-of-range',
        value === 0
          ? `Port 0 makes PgBouncer listen on a random free port.`
          : `Port ${text} is outside 1..65535; PgBouncer does not check and silently uses port ${wrapped}.`,
      );
      return;
    }
    context.report(
      file,
      span,
      'value-out-of-range',
      `${known.name} = ${text} is outside the sensible range (${bounds}${known.unit ? ' ' + known.unit : ''}).`,
    );
  }
}

/** How a refused enum value is reported instead (a fallback entry's parameter, for instance). */
export interface RefusedAs {
  code: string;
  severity: 'warning';
}

/**
 * An enum value (of a setting or a connection parameter): true when PgBouncer takes it. `fixing`
 * offers fixes (a [pgbouncer] value); `refusedAs` reports a refused value under another code.
 */
export function checkEnumValue(
  file: LoadedFile,
  span: Span,
  known: Setting,
  value: string,
  hint: string,
  context: CheckContext,
  fixing?: {
    repairs: (Fix | null)[];
    setValue: (candidate: string, title: string, kind: FixKind) => Fix | null;
  },
  refusedAs?: RefusedAs,
): boolean {
  const { target } = context;
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
    context.report(
      file,
      span,
      refusedAs?.code ?? 'invalid-value',
      `Invalid value '${value}' for ${known.name}.${detail} Allowed: ${list}.`,
      {
        severity: refusedAs?.severity,
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
    context.report(
      file,
      span,
      refusedAs?.code ?? 'removed-value',
      `'${match.name}' for ${known.name} was removed in PgBouncer ${match.removedIn}; PgBouncer ${target.label} refuses it.${replacement}`,
      {
        severity: refusedAs?.severity,
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
    context.report(
      file,
      span,
      refusedAs?.code ?? 'newer-than-target',
      `'${match.name}' for ${known.name} was added in ${versionLabel(match.addedIn)}; PgBouncer ${target.label} refuses it. Allowed: ${list}.`,
      { severity: refusedAs?.severity },
    );
    return false;
  }
  if (match.deprecated) {
    context.report(file, span, 'deprecated', `${known.name} = ${match.name} is deprecated.`, {
      tags: ['deprecated'],
    });
  }
  return true;
}

/** Whether PgBouncer would accept `value` for the setting (its type only; for repair fixes). */
export function acceptedBy(known: Setting, value: string): boolean {
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
