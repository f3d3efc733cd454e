// The parameters of a [databases], [users] or [peers] entry (key=value ...): names PgBouncer does
// not know in that section or version, one given twice, and values read the way PgBouncer reads
// them (with atoi: a number ends at the first character that is not a digit; see catalog/values.ts).

import { availableIn, closestName, setting, versionLabel } from '../catalog/catalog';
import type { Setting } from '../catalog/catalog';
import { plainNumber, readAtoi } from '../catalog/values';
import type { TextEdit } from '../findings/fix';
import { replace } from '../model/edits';
import type { LoadedFile } from '../model/config';
import type { Located } from '../model/effective';
import { paramCount, paramKeyAt, paramQuotedAt, paramValueAt } from '../syntax/connstring';
import type { ConnParam, ConnString } from '../syntax/connstring';
import type { CheckContext, FindingExtras } from './check';
import { fix, guess } from './fixes';
import { reportDeprecatedSetting } from './main-settings';
import { checkEnumValue, isReserved } from './main-values';
import type { RefusedAs } from './main-values';
import { cleanContext, isKnownClean, rememberClean } from './memo';
import type { ConnStringSection } from './memo';

/** What checkConnectionParams reports (and 'autodb-connection-string' for the fallback database). */
export const CONNECTION_PARAM_REPORTS: readonly string[] = [
  'unknown-parameter',
  'newer-than-target',
  'deprecated',
  'duplicate-parameter',
  'ignored-text',
  'invalid-value',
  'removed-value',
  'invalid-port',
  'port-out-of-range',
  'negative-value',
  'integer-overflow',
  'reserved-name',
];

/** The range of a setting that rejects zero and names none: a port. */
const PORT_RANGE = { min: 1, max: 65535 };
const AS_WARNING: FindingExtras = { severity: 'warning' };
const NO_EXTRAS: FindingExtras = {};
const AUTODB_REFUSAL: RefusedAs = { code: 'autodb-connection-string', severity: 'warning' };

/**
 * Checks the parameters of the entry at `at`. With `downgrade` (the fallback database '*') what
 * would refuse the entry is a warning: PgBouncer starts, and refuses the connections that use it.
 * Parameters found clean before in the same context are not checked again (see memo.ts).
 */
export function checkConnectionParams(
  at: Located,
  section: ConnStringSection,
  connString: ConnString,
  downgrade: boolean,
  context: CheckContext,
): void {
  const clean = cleanContext(section, downgrade, context.target);
  if (isKnownClean(connString, clean)) return;
  if (plainlyValid(section, connString, context)) {
    rememberClean(connString, clean);
    return;
  }
  const before = context.findings.length;
  checkEachParam(at, section, connString.params, downgrade, context);
  if (context.findings.length === before) rememberClean(connString, clean);
}

/**
 * True when checkEachParam would find nothing, decided without making parameter objects:
 * names known, available and not deprecated, each given once, values plain and valid. Anything
 * else (a quote, an enum, a sign) goes the whole way.
 */
export function plainlyValid(
  section: ConnStringSection,
  connString: ConnString,
  context: Pick<CheckContext, 'target' | 'settingUsableAsIs'>,
): boolean {
  const count = paramCount(connString);
  for (let i = 0; i < count; i++) {
    const key = paramKeyAt(connString, i);
    const known = context.settingUsableAsIs(section, key);
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
    } else if (known.type === 'enum' || isReserved(known, value, context)) {
      return false;
    }
  }
  return true;
}

function checkEachParam(
  at: Located,
  section: ConnStringSection,
  params: ConnParam[],
  downgrade: boolean,
  context: CheckContext,
): void {
  const { file } = at;
  const { target } = context;
  const severity = downgrade ? AS_WARNING : NO_EXTRAS;
  const noun = section === 'users' ? 'user parameter' : 'connection parameter';
  for (let index = 0; index < params.length; index++) {
    const param = params[index];
    const known = setting(section, param.key);
    if (!known) {
      const suggestion = closestName(param.key, context.suggestableNames(section));
      const inMain = setting('pgbouncer', param.key);
      const hint = suggestion
        ? ` Did you mean '${suggestion}'?`
        : inMain
          ? ` '${param.key}' is a [pgbouncer] setting, not a ${noun}.`
          : '';
      context.report(
        file,
        param.keySpan,
        downgrade ? 'autodb-connection-string' : 'unknown-parameter',
        `Unknown ${noun} '${param.key}'; PgBouncer ${downgrade ? 'will refuse connections that use this fallback entry' : 'refuses this entry'}.${hint}`,
        {
          ...severity,
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
      context.report(
        file,
        param.keySpan,
        downgrade ? 'autodb-connection-string' : 'newer-than-target',
        `${noun[0].toUpperCase()}${noun.slice(1)} '${param.key}' was added in ${versionLabel(known.addedIn)}; PgBouncer ${target.label} refuses this entry.`,
        severity,
      );
      continue;
    }
    if (known.deprecated) reportDeprecatedSetting(at, known, param.keySpan, context);
    // The earlier parameter of the same name, if any (connection strings are short: a scan will do).
    let previous: ConnParam | undefined;
    for (let j = index - 1; j >= 0 && !previous; j--) if (params[j].key === param.key) previous = params[j];
    if (previous) {
      context.report(
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
      context.report(
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
    checkParamValue(file, known, param, downgrade, context);
  }
}

function checkParamValue(
  file: LoadedFile,
  known: Setting,
  param: ConnParam,
  downgrade: boolean,
  context: CheckContext,
): void {
  const value = param.value;
  if (known.type === 'enum') {
    checkEnumValue(
      file,
      param.valueSpan,
      known,
      value,
      '',
      context,
      {
        repairs: [],
        // The whole value, quotes included: an enum word needs none.
        setValue: (candidate, title, kind) => guess(title, kind, [replace(file, param.valueSpan, candidate)]),
      },
      downgrade ? AUTODB_REFUSAL : undefined,
    );
    return;
  }
  if (known.type === 'int' || known.type === 'time') {
    // Most values are plain numbers: read without making a reading object.
    const plain = plainNumber(value);
    const reading = plain >= 0 ? null : readAtoi(value);
    const readValue = reading ? reading.value : plain;
    const consumed = reading ? reading.consumed : value.length;
    const digits = reading ? reading.digits : true;
    if (reading?.overflow && !(known.rejectZero && readValue === 0)) {
      // atoi is (int)strtol: the number is clamped to 64 bits, then cut to 32 (see catalog/values.ts).
      context.report(
        file,
        param.valueSpan,
        'integer-overflow',
        `${known.name}=${value} does not fit in a C int: PgBouncer reads it as ${readValue}${atoiMeaning(known, readValue)}.`,
      );
      return;
    }
    if (known.rejectZero && readValue === 0) {
      context.report(
        file,
        param.valueSpan,
        downgrade ? 'autodb-connection-string' : 'invalid-port',
        `Invalid ${known.name} '${value}': PgBouncer reads it as 0 and refuses the entry.`,
        downgrade ? AS_WARNING : NO_EXTRAS,
      );
      return;
    }
    if (!digits) {
      context.report(
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
      context.report(
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
      const range = known.range ?? PORT_RANGE;
      if (
        (range.min !== undefined && readValue < range.min) ||
        (range.max !== undefined && readValue > range.max)
      ) {
        context.report(file, param.valueSpan, 'port-out-of-range', `Port ${readValue} is outside 1..65535.`);
      }
      return;
    }
    if (readValue < 0 && !(known.default !== null && Number(known.default) < 0 && readValue === -1)) {
      context.report(file, param.valueSpan, 'negative-value', `${known.name} = ${value} is negative.`);
    }
    return;
  }
  if (isReserved(known, value, context)) {
    context.report(
      file,
      param.valueSpan,
      'reserved-name',
      `'${value}' is reserved for the admin console and cannot be used for ${known.name}.`,
    );
  }
}

/** What the number atoi made of an overflowing value means for the parameter. */
function atoiMeaning(known: Setting, value: number): string {
  if (known.rejectZero) return `, which is not a port in 1..65535`;
  if (value === 0 && known.zeroMeans) return `, and 0 means: ${known.zeroMeans}`;
  if (String(value) === known.default && known.defaultNote)
    return `, which means not set: ${known.defaultNote}`;
  return value < 0 ? ', a negative number' : '';
}

/** Deletes one connection-string parameter and the spaces after it. */
function removeParam(file: LoadedFile, param: ConnParam): TextEdit {
  const text = file.parsed.text;
  let end = param.valueSpan.end;
  while (text[end] === ' ') end++;
  return { file: file.path, span: { start: param.keySpan.start, end }, newText: '' };
}
