// [databases] entries (name = connection string): names PgBouncer refuses, [pgbouncer] settings
// written here, a database defined twice, and the users auth_user= makes PgBouncer create.

import type { ConfigEvent, ConfigModel } from '../model/config';
import { GRAMMAR, availableIn, setting } from '../catalog/catalog';
import type { Setting, Version } from '../catalog/catalog';
import type { Fix } from '../findings/fix';
import { byteLengthOf } from '../files/text-bytes';
import { deleteEntry, insertMainSetting } from '../model/edits';
import type { Located } from '../model/effective';
import { connStringOf, lastParamIndex, paramAt } from '../syntax/connstring';
import { ACCEPTED, REFUSED, settingUsableIn } from './check';
import type { Check, CheckContext } from './check';
import { CONNECTION_PARAM_REPORTS, checkConnectionParams, plainlyValid } from './connection-params';
import { reportDuplicate } from './duplicates';
import { fix } from './fixes';
import { acceptedBy } from './main-values';
import { databaseNameMemo, earlierDefinition, isMainSettingName } from './memo';
import { noteCreatedUser } from './users';

/** The release whose [databases] user= creates a user of PgBouncer's user list, as auth_user= does. */
const FORCED_USERS_LISTED_SINCE = '1.23.0';

export const databaseEntries: Check = {
  name: '[databases] entries',
  reports: [
    'reserved-name',
    'name-too-long',
    'misplaced-setting',
    'connection-string-syntax',
    'autodb-connection-string',
    ...CONNECTION_PARAM_REPORTS,
    'duplicate-database',
  ],
  entriesIn: ['databases'],
  entry(at, context) {
    const { entry, file } = at;
    const name = entry.key.text;
    if (GRAMMAR.reservedDatabaseNames.includes(name)) {
      context.report(
        file,
        entry.key.span,
        'reserved-name',
        `The database name '${name}' is reserved for PgBouncer's admin console; PgBouncer refuses it.`,
      );
      return REFUSED;
    }
    const bytes = nameBytes(name);
    if (bytes > GRAMMAR.maxDatabaseNameBytes) {
      context.report(
        file,
        entry.key.span,
        'name-too-long',
        `The database name is ${bytes} bytes long; PgBouncer allows at most ${GRAMMAR.maxDatabaseNameBytes} and refuses it.`,
      );
      return REFUSED;
    }
    const isFallback = name === GRAMMAR.fallbackDatabaseName;
    const connString = connStringOf(file.parsed, entry);
    const nameMemo = databaseNameMemo(context.pass, entry);
    const mainSetting = isMainSettingName(context.pass, nameMemo, entry)
      ? setting('pgbouncer', name)
      : undefined;
    const looksMisplaced =
      mainSetting !== undefined &&
      (connString.error !== null || connString.params.some((p) => !setting('databases', p.key)));
    if (looksMisplaced && !isFallback) {
      context.report(
        file,
        entry.key.span,
        'misplaced-setting',
        `'${name}' is a [pgbouncer] setting, but it is in [databases], where PgBouncer reads it as a database named '${name}' and refuses the value. Move it to [pgbouncer].`,
        { fixes: [moveToMainFix(at, mainSetting, context)] },
      );
      return REFUSED;
    }
    if (connString.error) {
      context.report(
        file,
        connString.error.span,
        isFallback ? 'autodb-connection-string' : 'connection-string-syntax',
        `${connString.error.message}${isFallback ? '' : ' PgBouncer refuses this database entry.'}`,
        isFallback ? { severity: 'warning' } : {},
      );
    }
    checkConnectionParams(at, 'databases', connString, isFallback, context);
    if (!isFallback) {
      // auth_user= makes PgBouncer create that user when it loads the entry (not for the fallback
      // '*'); the last one written counts.
      const authUserIndex = lastParamIndex(connString, 'auth_user');
      const authUser = authUserIndex === -1 ? undefined : paramAt(connString, authUserIndex);
      if (authUser) noteCreatedUser(authUser.value, { file, span: authUser.valueSpan }, context);
      // From 1.23 a forced user= goes into the same user list (objects.c force_user_credentials
      // calls add_global_user), after auth_user=.
      if (availableIn(FORCED_USERS_LISTED_SINCE, context.target)) {
        const userIndex = lastParamIndex(connString, 'user');
        const user = userIndex === -1 ? undefined : paramAt(connString, userIndex);
        if (user) noteCreatedUser(user.value, { file, span: user.valueSpan }, context);
      }
    }
    const previous = earlierDefinition(nameMemo, context.pass, at);
    if (previous) {
      reportDuplicate(
        at,
        previous,
        'duplicate-database',
        {
          message: `Database '${name}' is already defined on ${context.where(previous)}; PgBouncer uses this later definition.`,
          earlier: 'earlier definition, without effect',
          fixTitle: `Remove the earlier definition of '${name}', which has no effect`,
        },
        context,
      );
    }
    return ACCEPTED;
  },
};

/**
 * A database name's length in the file's own bytes (a Latin-1 name is one byte a letter). UTF-8
 * needs at most 3 bytes per UTF-16 unit: short names need no count.
 */
function nameBytes(name: string): number {
  return name.length * 3 <= GRAMMAR.maxDatabaseNameBytes ? name.length : byteLengthOf(name);
}

/**
 * An entry of [databases] in which the checks find nothing and note nothing (no user created, a
 * name of no setting, parameters plainly valid): with every database name written once, a pass
 * need not look at it (validate.ts). It depends on the entry and the target alone.
 */
export function isPlainDatabaseEntry(event: ConfigEvent, target: Version): boolean {
  if (event.kind !== 'entry' || event.section !== 'databases') return false;
  const { entry, file } = event;
  const name = entry.key.text;
  if (entry.key.quoted || name === GRAMMAR.fallbackDatabaseName) return false;
  if (GRAMMAR.reservedDatabaseNames.includes(name) || setting('pgbouncer', name) !== undefined) return false;
  if (nameBytes(name) > GRAMMAR.maxDatabaseNameBytes) return false;
  const connString = connStringOf(file.parsed, entry);
  if (connString.error !== null || lastParamIndex(connString, 'auth_user') !== -1) return false;
  if (availableIn(FORCED_USERS_LISTED_SINCE, target) && lastParamIndex(connString, 'user') !== -1)
    return false;
  return plainlyValid('databases', connString, {
    target,
    settingUsableAsIs: (section, key) => settingUsableIn(section, key, target),
  });
}

/** Moves a [pgbouncer] setting written in [databases] to the end of the [pgbouncer] section. */
/** The keys written anywhere in [pgbouncer], once per model: a file may misplace thousands of settings. */
const writtenByModel = new WeakMap<ConfigModel, ReadonlySet<string>>();

function mainSettingsWritten(model: ConfigModel): ReadonlySet<string> {
  let written = writtenByModel.get(model);
  if (!written) {
    const keys = new Set<string>();
    for (const event of model.events) {
      if (event.kind === 'entry' && event.section === 'pgbouncer') keys.add(event.entry.key.text);
    }
    writtenByModel.set(model, (written = keys));
  }
  return written;
}

function moveToMainFix(at: Located, mainSetting: Setting, context: CheckContext): Fix | null {
  const { model } = context;
  if (at.file !== model.root || !acceptedBy(mainSetting, at.entry.value.text)) return null;
  if (!availableIn(mainSetting.addedIn, context.target) || mainSetting.platform) return null;
  // Moving it next to an explicit value of the same setting would only make a duplicate.
  if (mainSettingsWritten(model).has(mainSetting.name)) return null;
  const insert = insertMainSetting(model, mainSetting.name, at.entry.value.text);
  if (!insert) return null;
  return fix(
    `Move ${mainSetting.name} to [pgbouncer]`,
    'safe',
    [deleteEntry(at.file, at.entry), insert],
    [`setting:${mainSetting.name}`],
  );
}
