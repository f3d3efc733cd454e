// Validation's memory: what one pass notes about names, and what it keeps between analyses. The
// language server analyses a document again after every edit; the connection strings of entries the
// edit did not touch are the same objects (syntax/connstring.ts's ConnStringCache), and what
// validation found about them is kept here, keyed on them, so an edit costs about what it changes.
// Every use of that memory by the checks goes through these functions.

import { setting } from '../catalog/catalog';
import type { Version } from '../catalog/catalog';
import { intern } from '../incremental/intern';
import { SideTable } from '../incremental/side-table';
import type { Located } from '../model/effective';
import type { NameSlot, NameTable } from '../model/names';
import { isRetained } from '../syntax/connstring';
import type { ConnString } from '../syntax/connstring';
import type { Entry } from '../syntax/syntax';

/** The sections whose entries are connection strings. */
export type ConnStringSection = 'databases' | 'users' | 'peers';

/** What one validation pass notes: the latest definition of each database name, by its slot's id. */
export interface ValidationPass {
  readonly names: NameTable;
  readonly definitions: (Located | undefined)[];
}

/** A pass over a configuration, whose database names are looked up in `names` (the analysis' table). */
export function startValidationPass(names: NameTable): ValidationPass {
  return { names, definitions: [] };
}

let contextsTarget: Version | null = null;
let contextsOfTarget: Record<ConnStringSection, readonly [string, string]> | null = null;

/**
 * What the connection-parameter checks' verdict depends on besides the parameters: the section,
 * whether findings are downgraded (the fallback database '*') and the target version. One string
 * per text, so that the marks of later analyses compare by identity.
 */
export function cleanContext(section: ConnStringSection, downgrade: boolean, target: Version): string {
  if (contextsTarget !== target || contextsOfTarget === null) {
    const of = (name: ConnStringSection, down: boolean): string =>
      intern(`${name} ${down} ${target.label} ${target.unreleased}`);
    contextsOfTarget = {
      databases: [of('databases', false), of('databases', true)],
      users: [of('users', false), of('users', true)],
      peers: [of('peers', false), of('peers', true)],
    };
    contextsTarget = target;
  }
  return contextsOfTarget[section][downgrade ? 1 : 0];
}

/** The context in which each connection string's parameters last gave no finding. */
const foundClean = new SideTable<ConnString, string>(
  'checks: the context its parameters were found clean in',
);

/** Whether an earlier analysis found nothing to say about these parameters in this context. */
export function isKnownClean(connString: ConnString, context: string): boolean {
  return foundClean.get(connString) === context;
}

/** Remembers that these parameters gave no finding in this context (when a document keeps them). */
export function rememberClean(connString: ConnString, context: string): void {
  if (isRetained(connString)) foundClean.set(connString, context);
}

declare const databaseNameBrand: unique symbol;

/** A [databases] entry's name in the pass's table; only this file looks inside. */
export type DatabaseNameMemo = { readonly [databaseNameBrand]: true };

/** The entry's name, looked up once per entry (a kept table finds it on the entry). */
export function databaseNameMemo(pass: ValidationPass, entry: Entry): DatabaseNameMemo {
  return pass.names.slotOf(entry) as unknown as DatabaseNameMemo;
}

/** Whether each name is that of a [pgbouncer] setting, found once per name of a document's table. */
const mainSettingNames = new SideTable<NameSlot, boolean>(
  'checks: whether a database name is a [pgbouncer] setting',
);

/** Whether a [databases] entry's name is that of a [pgbouncer] setting. */
export function isMainSettingName(pass: ValidationPass, memo: DatabaseNameMemo, entry: Entry): boolean {
  if (!pass.names.keptByEntries) return setting('pgbouncer', entry.key.text) !== undefined;
  const slot = memo as unknown as NameSlot;
  let known = mainSettingNames.get(slot);
  if (known === undefined)
    mainSettingNames.set(slot, (known = setting('pgbouncer', entry.key.text) !== undefined));
  return known;
}

/** The definition of the same database name earlier in this pass, if any; `at` becomes the latest. */
export function earlierDefinition(
  memo: DatabaseNameMemo,
  pass: ValidationPass,
  at: Located,
): Located | undefined {
  const id = (memo as unknown as NameSlot).id;
  const previous = pass.definitions[id];
  pass.definitions[id] = at;
  return previous;
}
