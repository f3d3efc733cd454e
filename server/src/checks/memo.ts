// Validation's memory between analyses. The language server analyses a document again after every
// edit (see DocumentCache); what validation learnt about the entries the edit did not touch is kept
// on their connection strings and on the names table, so an edit costs about what it changes. Every
// use of that memory by the checks goes through these functions.

import { newPass } from '../model/names';
import type { NameSlot } from '../model/names';
import { knownClean, markClean } from '../syntax/connstring';
import type { ConnString } from '../syntax/connstring';
import type { Entry } from '../syntax/syntax';
import { setting } from '../catalog/catalog';
import type { Version } from '../catalog/catalog';
import type { ConfigModel } from '../model/config';
import type { Located } from '../model/effective';

/** The sections whose entries are connection strings. */
export type ConnStringSection = 'databases' | 'users' | 'peers';

/** A number no other validation has: what it records in the names table is told apart by it. */
export function startValidationPass(): number {
  return newPass();
}

const internedStrings = new Map<string, string>();

/** One string object per text: the clean marks of later analyses then compare by identity. */
function interned(text: string): string {
  const known = internedStrings.get(text);
  if (known !== undefined) return known;
  internedStrings.set(text, text);
  return text;
}

let contextsTarget: Version | null = null;
let contextsOfTarget: Record<ConnStringSection, readonly [string, string]> | null = null;

/**
 * What the connection-parameter checks' verdict depends on besides the parameters: the section,
 * whether findings are downgraded (the fallback database '*') and the target version.
 */
export function cleanContext(section: ConnStringSection, downgrade: boolean, target: Version): string {
  if (contextsTarget !== target || contextsOfTarget === null) {
    const of = (name: ConnStringSection, down: boolean): string =>
      interned(`${name} ${down} ${target.label} ${target.unreleased}`);
    contextsOfTarget = {
      databases: [of('databases', false), of('databases', true)],
      users: [of('users', false), of('users', true)],
      peers: [of('peers', false), of('peers', true)],
    };
    contextsTarget = target;
  }
  return contextsOfTarget[section][downgrade ? 1 : 0];
}

/** Whether an earlier analysis found nothing to say about these parameters in this context. */
export function isKnownClean(connString: ConnString, context: string): boolean {
  return knownClean(connString, context);
}

/** Remembers that these parameters gave no finding in this context. */
export function rememberClean(connString: ConnString, context: string): void {
  markClean(connString, context);
}

declare const databaseNameBrand: unique symbol;

/** What the names table remembers of a [databases] entry's name; only this file looks inside. */
export type DatabaseNameMemo = { readonly [databaseNameBrand]: true };

/** The memory of the entry's name, looked up once per entry (a kept table finds it on the entry). */
export function databaseNameMemo(model: ConfigModel, entry: Entry): DatabaseNameMemo {
  return model.databaseNames.slotOf(entry) as unknown as DatabaseNameMemo;
}

/** Whether a [databases] entry's name is that of a [pgbouncer] setting (the names table remembers). */
export function isMainSettingName(memo: DatabaseNameMemo, entry: Entry): boolean {
  const slot = memo as unknown as NameSlot;
  slot.isMainSetting ??= setting('pgbouncer', entry.key.text) !== undefined;
  return slot.isMainSetting;
}

/** The definition of the same database name earlier in this pass, if any; `at` becomes the latest. */
export function earlierDefinition(memo: DatabaseNameMemo, pass: number, at: Located): Located | undefined {
  const slot = memo as unknown as NameSlot;
  const previous = slot.validatedIn === pass ? (slot.validatedAt as Located) : undefined;
  slot.validatedIn = pass;
  slot.validatedAt = at;
  return previous;
}
