// The pool sizing rules' fixes: where a pool number is written, how it is described, and the search
// for changes that remove a rule's finding without making another pool sizing rule fire (each
// candidate is tried on a pool model built with the changed values).

import type { Fix, FixKind, TextEdit } from '../../findings/fix';
import type { SectionName } from '../../catalog/catalog';
import type { LoadedFile } from '../../model/config';
import { replace } from '../../model/edits';
import type { ConnectionEntry } from '../../model/effective';
import { available, behaviour, buildPoolModel, problemCounts, sourceKey } from '../../model/pools';
import type { PoolModel, Source } from '../../model/pools';
import type { Span } from '../../syntax/syntax';
import type { RuleContext, SharedStore } from '../rule';

/** The model of the written configuration, built once per context: every pool sizing rule reads it. */
const builtModels: SharedStore<PoolModel | null> = new WeakMap();

/** The pools of the rule context's configuration (one model for every rule of an analysis). */
export function poolModelOf(context: RuleContext): PoolModel | null {
  return context.shared(builtModels, () => buildPoolModel(context));
}

export function anchorOf(context: RuleContext, source: Source): { file: LoadedFile; span: Span } | null {
  if (source.level === 'global') return context.anchor(source.name);
  if (!source.owner) return null;
  if (source.param) return { file: source.owner.at.file, span: source.param.valueSpan };
  return context.databaseAnchor(source.owner);
}

/** 'a', 'b' and 'c' (at most `max` names, then "and N more"). */
export function nameList(names: readonly string[], max = 4): string {
  const quoted = names.map((name) => `'${name}'`);
  if (quoted.length <= max) {
    return quoted.length <= 1
      ? (quoted[0] ?? '')
      : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
  }
  return `${quoted.slice(0, max).join(', ')} and ${quoted.length - max} more`;
}

export interface Change {
  source: Source;
  value: number;
}

function changeEdit(context: RuleContext, change: Change): TextEdit | null {
  const { source, value } = change;
  if (source.level === 'global') {
    // Only the edit is taken; poolFix decides the class.
    const fix = context.setValue(source.name, String(value), { kind: 'suggestion' });
    return fix && fix.edits.length === 1 ? fix.edits[0] : null;
  }
  const owner = source.owner;
  if (!owner || owner.at.file !== context.root) return null;
  if (source.param) return replace(owner.at.file, source.param.valueSpan, String(value));
  const end = owner.at.entry.value.span.end;
  return replace(owner.at.file, { start: end, end }, ` ${source.name}=${value}`);
}

/** Pools that fix searches may build and check, in all, per model (see tryChanges). */
const FIX_WORK_BUDGET = 500_000;
const fixWork = new WeakMap<PoolModel, number>();
/** The problem counts and behaviour of each model fixes are tried on, worked out once. */
const countsBefore = new WeakMap<PoolModel, Map<string, number>>();
const behaviours = new WeakMap<PoolModel, string>();

function tryChanges(
  context: RuleContext,
  model: PoolModel,
  rule: string,
  changes: readonly Change[],
  preserve: boolean,
): Fix | null {
  const edits: TextEdit[] = [];
  const overrides = new Map(model.overrides);
  for (const change of changes) {
    const edit = changeEdit(context, change);
    if (!edit) return null;
    edits.push(edit);
    overrides.set(sourceKey(change.source), change.value);
  }
  // Each try builds and checks a whole model: thousands of problems in a large configuration
  // would make the lint quadratic. Past the budget, findings come without fixes.
  // A try builds a model and counts its problems and its behaviour: about four passes over the pools.
  const spent = (fixWork.get(model) ?? 0) + 4 * model.pools.length;
  fixWork.set(model, spent);
  if (spent > FIX_WORK_BUDGET) return null;
  const after = buildPoolModel(context, overrides);
  if (!after) return null;
  let before = countsBefore.get(model);
  if (!before) countsBefore.set(model, (before = problemCounts(model, context.options)));
  const counts = problemCounts(after, context.options);
  for (const [id, count] of counts) if (count > (before.get(id) ?? 0)) return null;
  if ((counts.get(rule) ?? 0) >= (before.get(rule) ?? 0)) return null;
  let behaviourBefore = behaviours.get(model);
  if (!preserve) behaviourBefore = '';
  else if (behaviourBefore === undefined) behaviours.set(model, (behaviourBefore = behaviour(model)));
  // Without `preserve` the change is the rule's advice; with it, sizes that change behaviour are
  // the operator's to choose.
  const kind: FixKind = !preserve
    ? 'recommended'
    : behaviour(after) === behaviourBefore
      ? 'safe'
      : 'suggestion';
  return { title: changeTitle(changes), kind, edits: mergeInsertions(edits) };
}

/** Parameters added to the same entry become one insertion. */
function mergeInsertions(edits: readonly TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  for (const edit of edits) {
    const same = merged.find(
      (other) =>
        other.file === edit.file &&
        other.span.start === other.span.end &&
        edit.span.start === edit.span.end &&
        other.span.start === edit.span.start,
    );
    if (same) same.newText += edit.newText;
    else merged.push({ ...edit });
  }
  return merged;
}

/**
 * The fix for a finding, from candidate sets of changes tried in order on the pools: only ones
 * that remove a finding of `rule` and add none of any pool sizing rule are offered. With
 * `preserve`, a fix is safe only when no pool behaves differently afterwards (the configuration
 * then says what PgBouncer already does), else a suggestion; without it, recommended. The first
 * safe candidate wins, else the first one.
 * Global changes are also tried as parameters of the databases concerned, which leaves the
 * other databases alone.
 */
export function poolFix(
  context: RuleContext,
  model: PoolModel,
  rule: string,
  candidates: readonly (readonly Change[])[],
  options: { preserve: boolean; databases?: readonly string[]; title?: string },
): Fix | null {
  const all: (readonly Change[])[] = [];
  for (const changes of candidates) {
    all.push(changes);
    const local = options.databases ? localize(context, changes, options.databases) : null;
    if (local) all.push(local);
  }
  let fallback: Fix | null = null;
  for (const changes of all) {
    const fix = tryChanges(context, model, rule, changes, options.preserve);
    if (!fix) continue;
    if (options.title) fix.title = options.title;
    if (fix.kind === 'safe') return fix;
    fallback ??= fix;
  }
  return fallback;
}

/** The [databases] parameter that overrides a global setting, in the target version. */
function databaseParamFor(context: RuleContext, name: string): string | null {
  const candidates: Record<string, string[]> = {
    default_pool_size: ['pool_size'],
    reserve_pool_size: ['reserve_pool_size', 'reserve_pool'],
    min_pool_size: ['min_pool_size'],
    max_db_connections: ['max_db_connections'],
  };
  return (candidates[name] ?? []).find((param) => available('databases', param, context.target)) ?? null;
}

/** The same changes with global settings replaced by parameters of the given databases. */
function localize(
  context: RuleContext,
  changes: readonly Change[],
  databases: readonly string[],
): Change[] | null {
  if (!changes.some((change) => change.source.level === 'global')) return null;
  const local: Change[] = [];
  for (const change of changes) {
    if (change.source.level !== 'global') {
      local.push(change);
      continue;
    }
    const param = databaseParamFor(context, change.source.canonical);
    if (!param) return null;
    for (const name of databases) {
      const database = context.database(name);
      if (!database) return null;
      const source = newDatabaseParam(database, param);
      source.canonical =
        change.source.canonical === 'default_pool_size' ? 'pool_size' : change.source.canonical;
      local.push({ source, value: change.value });
    }
  }
  return local;
}

/** "Set reserve_pool_size = 2", "Set pool_size=20 reserve_pool=0 on database 'big'". */
export function changeTitle(changes: readonly Change[]): string {
  const global: string[] = [];
  const owned = new Map<string, string[]>();
  for (const { source, value } of changes) {
    if (source.level === 'global') {
      global.push(`${source.name} = ${value}`);
      continue;
    }
    const owner = `${source.level} '${source.owner?.name ?? ''}'`;
    const list = owned.get(owner) ?? [];
    list.push(`${source.name}=${value}`);
    owned.set(owner, list);
  }
  const parts = [...global];
  for (const [owner, list] of owned) parts.push(`${list.join(' ')} on ${owner}`);
  return `Set ${parts.join('; ')}`;
}

/** A source for a database parameter a fix would add. */
export function newDatabaseParam(database: ConnectionEntry, name: string): Source {
  return { level: 'database', name, canonical: name, owner: database };
}

export function isAvailable(context: RuleContext, section: SectionName, name: string): boolean {
  return available(section, name, context.target);
}
