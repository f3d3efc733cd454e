// Inlay hints: durations after time values, effective values, effective pool sizes.
import * as path from 'node:path';
import { InlayHintKind } from 'vscode-languageserver';
import type { InlayHint, Range } from 'vscode-languageserver';
import type { LintResult } from '../analysis/engine';
import type { LoadedFile } from '../model/config';
import { parseConnString } from '../syntax/connstring';
import type { Entry } from '../syntax/syntax';
import {
  buildPoolModel,
  describe,
  poolCapacity,
  poolConfigOf,
  poolLimit,
  sizeLimit,
  usableReserve,
} from '../model/pools';
import type { PoolModel } from '../model/pools';
import { defaultFor, setting } from '../catalog/catalog';
import type { Setting } from '../catalog/catalog';
import type { Settings } from '../settings';
import { describeSeconds, readAtoi, readCInt, readCTime } from '../catalog/values';
import { rootSections } from './structure-model';

/** Longest value quoted in a hint; longer ones are cut. */
const MAX_VALUE_CHARS = 40;

export function inlayHints(analysis: LintResult, range: Range, settings: Settings): InlayHint[] {
  if (!settings.inlayHints.enabled) return [];
  const { model } = analysis;
  const parsed = model.root.parsed;
  const index = parsed.lineIndex;
  const from = index.offsetAt(range.start);
  const to = index.offsetAt(range.end);
  const sections = rootSections(model);
  const hints: InlayHint[] = [];
  const hint = (offset: number, label: string, tooltip?: string): void => {
    if (offset < from || offset > to) return;
    const made: InlayHint = { position: index.positionAt(offset), label, kind: InlayHintKind.Type };
    made.paddingLeft = true;
    if (tooltip) made.tooltip = tooltip;
    hints.push(made);
  };
  let pools: PoolModel | null | undefined;
  for (const item of parsed.items) {
    if (item.kind !== 'entry' || item.span.end < from || item.span.start > to) continue;
    const section = sections.get(item) ?? null;
    const end = item.value.span.end;
    if (section === 'pgbouncer') {
      const known = setting('pgbouncer', item.key.text);
      if (known) for (const [label, tooltip] of valueHints(known, item.value.text)) hint(end, label, tooltip);
      const overridden = overrideHint(analysis, item);
      if (overridden) hint(end, overridden.label, overridden.tooltip);
    } else if (section === 'databases' || section === 'users') {
      for (const param of parseConnString(item.value.text, item.value.span.start).params) {
        const known = setting(section, param.key);
        if (known) for (const [label] of paramHints(known, param.value)) hint(param.valueSpan.end, label);
      }
      if (section === 'databases') {
        pools ??= poolModelOf(analysis);
        const pool = databaseHint(analysis, pools, item);
        if (pool) hint(end, pool.label, pool.tooltip);
      }
    }
  }
  return hints;
}

/** How long a number of seconds is, in words a person reads at a glance. */
function duration(seconds: number): string {
  if (seconds > 1 && seconds < 60 && !Number.isInteger(seconds)) return `${Number(seconds.toFixed(3))} s`;
  return describeSeconds(seconds);
}

/** A time or a count of seconds: its length, or what 0 means for this setting. */
function durationHint(known: Setting, seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds === 0) return known.zeroMeans ?? 'disabled';
  return duration(seconds);
}

/** Hints after a [pgbouncer] value: its duration, and what a leading 0 or 0x makes of a number. */
function valueHints(known: Setting, value: string): [string, string?][] {
  const hints: [string, string?][] = [];
  if (known.type === 'time') {
    const reading = readCTime(value);
    // The seconds PgBouncer keeps (1e20 and inf do not fit in its microsecond count: 0).
    const label = reading.ok && reading.special !== 'nan' ? durationHint(known, reading.stored) : null;
    if (label) hints.push([label]);
    return hints;
  }
  if (known.type !== 'int' && known.type !== 'uint') return hints;
  const reading = readCInt(value);
  if (!reading.ok) return hints;
  if (known.unit === 'octal mode') {
    // A file mode: what the socket's permissions become, whichever way the number is written.
    if (reading.stored < 0) return hints;
    const octal = `0${reading.stored.toString(8)}`;
    const tooltip =
      reading.radix === 10 && reading.stored > 7
        ? `${value} is a decimal number, which is ${octal} in octal. Write modes with a leading 0, e.g. 0777.`
        : `File mode ${octal}`;
    hints.push([permissions(reading.stored), tooltip]);
  } else if (reading.radix !== 10 && reading.value !== 0) {
    const base = reading.radix === 8 ? 'octal: a leading 0' : 'hexadecimal: a leading 0x';
    hints.push([`= ${reading.stored}`, `PgBouncer reads this number as ${base} changes its meaning.`]);
  }
  const scale = known.unit === 'seconds' ? 1 : known.unit === 'milliseconds' ? 0.001 : null;
  if (scale !== null) {
    const label = durationHint(known, reading.stored * scale);
    if (label) hints.push([label]);
  }
  return hints;
}

/** Connection-string parameters are read with atoi(): decimal, whatever follows the digits ignored. */
function paramHints(known: Setting, value: string): [string][] {
  if (known.type !== 'time' && known.unit !== 'seconds') return [];
  const reading = readAtoi(value);
  if (!reading.digits) return [];
  const label = durationHint(known, reading.value);
  return label ? [[label]] : [];
}

/** "rwxrw----" for a Unix permission mode. */
function permissions(mode: number): string {
  const letters = 'rwxrwxrwx';
  let text = '';
  for (let bit = 8; bit >= 0; bit--) text += mode & (1 << bit) ? letters[8 - bit] : '-';
  return text;
}

function shortValue(value: string): string {
  if (value === '') return "''";
  return value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS - 1)}…` : value;
}

function where(file: LoadedFile, offset: number, root: LoadedFile): string {
  const line = file.parsed.lineIndex.lineNumberAt(offset);
  return file === root ? `line ${line}` : `${path.basename(file.path)}:${line}`;
}

/** On a [pgbouncer] setting that is not in force: the value PgBouncer uses instead, and where it comes from. */
function overrideHint(analysis: LintResult, entry: Entry): { label: string; tooltip: string } | null {
  const { effective, model } = analysis;
  const name = entry.key.text;
  const inForce = effective.main.get(name);
  if (inForce?.entry === entry) return null;
  if (inForce) {
    const at = where(inForce.file, inForce.entry.span.start, model.root);
    return {
      label: `→ ${shortValue(inForce.entry.value.text)} (${at})`,
      tooltip: `A later line sets ${name} again; PgBouncer uses the value on ${at}.`,
    };
  }
  // No later line sets it: a later [pgbouncer] header reset every setting above it to its default.
  const header = effective.mainHeader;
  if (!header) return null;
  const at = where(header.file, header.header.span.start, model.root);
  const known = setting('pgbouncer', name);
  const fallback = known ? defaultFor(known, analysis.target) : null;
  return {
    label: `→ ${fallback === null ? 'unset' : shortValue(fallback)} (reset by ${at})`,
    tooltip: `The [pgbouncer] header on ${at} starts the section again, and PgBouncer forgets every setting above it.`,
  };
}

function poolModelOf(analysis: LintResult): PoolModel | null {
  return buildPoolModel(poolConfigOf(analysis.effective));
}

/** On a [databases] entry: the size of its pool and reserve, or that a later entry replaces it. */
function databaseHint(
  analysis: LintResult,
  pools: PoolModel | null,
  entry: Entry,
): { label: string; tooltip?: string } | null {
  const inForce = analysis.effective.databases.get(entry.key.text);
  if (!inForce) return null;
  if (inForce.at.entry !== entry) {
    return {
      label: `→ replaced (${where(inForce.at.file, inForce.at.entry.span.start, analysis.model.root)})`,
    };
  }
  const pool = pools?.pools.find((p) => p.counted && p.database === inForce);
  if (!pools || !pool) return null;
  const size = sizeLimit(pools, pool);
  const reserve = usableReserve(pools, pool);
  const limit = poolLimit(pools, pool);
  let label = `pool ${Number.isFinite(size) ? size : 'unlimited'}`;
  if (reserve > 0) label += ` + ${reserve} reserve`;
  if (limit < poolCapacity(pools, pool)) label += ` (at most ${limit})`;
  const lines = [`Pool size: ${describe(pool.size)}${Number.isFinite(size) ? '' : ' (0 means no limit)'}`];
  if (reserve > 0) lines.push(`Reserve: ${describe(pool.reserve)}`);
  else if (pool.reserve.value > 0)
    lines.push(`Reserve: ${describe(pool.reserve)}, unused: ${describe(pools.reserveTimeout)}`);
  for (const cap of [pool.dbCap, pool.userCap]) {
    if (cap && cap.value < poolCapacity(pools, pool)) lines.push(`Capped by ${describe(cap)}`);
  }
  if (pool.forced && pool.user !== null) lines.push(`Server connections log in as user '${pool.user}'.`);
  return { label, tooltip: lines.join('\n') };
}
