// Where pooling modes are chosen: the global pool_mode and the pool_mode= of [databases] and
// [users] entries. A pool's mode is the user's, else the database's, else the global one
// (server.c, probably_wrong_pool_pool_mode), so every choice below applies to some pools.
// Helpers shared by the pooling and timeout rules.

import type { Fix, FixKind } from '../../findings/fix';
import { replace } from '../../model/edits';
import type { LoadedFile } from '../../model/config';
import type { ConnectionEntry } from '../../model/effective';
import type { ConnParam } from '../../syntax/connstring';
import type { Span } from '../../syntax/syntax';
import { availableIn, setting } from '../../catalog/catalog';
import type { SectionName } from '../../catalog/catalog';
import { readAtoi } from '../../catalog/values';
import type { RelatedInfo } from '../../findings/finding';
import type { RuleContext, SharedStore } from '../rule';

export type PoolMode = 'session' | 'transaction' | 'statement';

/**
 * A pool_mode value PgBouncer refuses: once corrected it may be any mode, session included, so
 * nothing may be concluded from it.
 */
export interface UnknownPoolMode {
  scope: 'global' | 'database' | 'user';
  at: { file: LoadedFile; span: Span };
}

const MODES: readonly string[] = ['session', 'transaction', 'statement'];

export interface PoolModeChoice {
  mode: PoolMode;
  /** 'global' is [pgbouncer] pool_mode, explicit or default. */
  scope: 'global' | 'database' | 'user';
  /** The [databases] or [users] entry that sets it. */
  entry?: ConnectionEntry;
  /** Where the choice is written; null for the default global pool_mode. */
  at: { file: LoadedFile; span: Span } | null;
  /** How messages name it: 'pool_mode = transaction', 'pool_mode=transaction on database "app"'. */
  label: string;
}

/** Where a finding about one parameter of a [databases] or [users] entry goes: its value. */
export function paramAnchor(entry: ConnectionEntry, param: ConnParam): { file: LoadedFile; span: Span } {
  return { file: entry.at.file, span: param.valueSpan };
}

/** A fix that rewrites the value of one parameter of a [databases] or [users] entry. */
export function replaceParam(
  context: RuleContext,
  entry: ConnectionEntry,
  param: ConnParam,
  value: string,
  title: string,
  kind: FixKind,
): Fix | null {
  if (entry.at.file !== context.root) return null;
  return { title, kind, edits: [replace(entry.at.file, param.valueSpan, value)] };
}

/**
 * The parameter `name` of a [databases] or [users] entry, with its value read as PgBouncer reads
 * it (atoi), when the target version knows that parameter. Null when absent or unknown.
 */
export function intParam(
  context: RuleContext,
  section: SectionName,
  entry: ConnectionEntry,
  name: string,
): { param: ConnParam; value: number } | null {
  // the entry's own parameter first: rules ask this of every database, and few set it
  const param = entry.params.get(name);
  if (!param) return null;
  const known = setting(section, name);
  if (!known || !availableIn(known.addedIn, context.target)) return null;
  const reading = readAtoi(param.value);
  return { param, value: reading.value };
}

interface FoundChoices {
  choices: readonly PoolModeChoice[];
  unknown: readonly UnknownPoolMode[];
}

/** The choices of each context, found once: several rules ask (a copy is handed out each time). */
const choicesByContext: SharedStore<FoundChoices> = new WeakMap();

function foundChoices(context: RuleContext): FoundChoices {
  return context.shared(choicesByContext, () => findPoolModeChoices(context));
}

/** Every valid pooling mode chosen in the configuration, the global one first. */
export function poolModeChoices(context: RuleContext): PoolModeChoice[] {
  return [...foundChoices(context).choices];
}

/** The pool_mode values PgBouncer refuses (each could be any mode once corrected). */
export function unknownPoolModes(context: RuleContext): readonly UnknownPoolMode[] {
  return foundChoices(context).unknown;
}

function findPoolModeChoices(context: RuleContext): FoundChoices {
  const choices: PoolModeChoice[] = [];
  const unknown: UnknownPoolMode[] = [];
  const global = context.word('pool_mode');
  const explicit = context.entry('pool_mode');
  if (!MODES.includes(global)) {
    if (explicit)
      unknown.push({ scope: 'global', at: { file: explicit.file, span: explicit.entry.value.span } });
  } else {
    choices.push({
      mode: global as PoolMode,
      scope: 'global',
      at: explicit ? { file: explicit.file, span: explicit.entry.value.span } : null,
      label: explicit ? `pool_mode = ${global}` : `pool_mode (default ${global})`,
    });
  }
  const perEntry = (entries: readonly ConnectionEntry[], scope: 'database' | 'user'): void => {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const param = entry.params.get('pool_mode');
      if (!param) continue;
      const mode = param.value.trim().toLowerCase();
      if (!MODES.includes(mode)) {
        unknown.push({ scope, at: paramAnchor(entry, param) });
        continue;
      }
      choices.push({
        mode: mode as PoolMode,
        scope,
        entry,
        at: paramAnchor(entry, param),
        label: `pool_mode=${mode} ${scope === 'database' ? 'on database' : 'for user'} "${entry.name}"`,
      });
    }
  };
  perEntry(context.databasesWith('pool_mode'), 'database');
  perEntry(context.users, 'user');
  return { choices, unknown };
}

/** The choices of one mode. */
export function choicesOf(context: RuleContext, mode: PoolMode): PoolModeChoice[] {
  return poolModeChoices(context).filter((choice) => choice.mode === mode);
}

/**
 * True when some pool can be in session mode (the global mode, or an entry's override), or when a
 * pool_mode value is invalid: corrected, it may say session.
 */
export function sessionPoolingPossible(context: RuleContext): boolean {
  return choicesOf(context, 'session').length > 0 || unknownPoolModes(context).length > 0;
}

/** Most related locations a finding lists (a configuration may choose a mode in thousands of entries). */
const MAX_RELATED_CHOICES = 20;

/** Related locations for the choices, to show next to a finding. */
export function relatedChoices(choices: readonly PoolModeChoice[], message: string): RelatedInfo[] {
  const related: RelatedInfo[] = [];
  for (const choice of choices) {
    if (related.length >= MAX_RELATED_CHOICES) break;
    if (choice.at) related.push({ file: choice.at.file.path, span: choice.at.span, message });
  }
  return related;
}

/** 'pool_mode = transaction', or 'pool_mode=transaction on database "app" and 2 more'. */
export function describeChoices(choices: readonly PoolModeChoice[]): string {
  const first = choices[0].label;
  return choices.length === 1 ? first : `${first} and ${choices.length - 1} more`;
}
