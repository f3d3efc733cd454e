// Every validation check, in the order their findings come out: for one event the checks that
// take it run in this order, and after the pass each check's afterPass in this order.

import type { Check } from './check';
import { databaseEntries } from './databases';
import { includeProblems, includeSummary } from './includes';
import { listeners } from './listeners';
import { mainSettingNames } from './main-settings';
import { mainSettingValues } from './main-values';
import { settingPaths } from './paths';
import { peerEntries } from './peers';
import { quotedKeys } from './quoted-keys';
import { entriesBeforeSections, sectionHeaders } from './sections';
import { syntaxErrors } from './syntax';
import { tlsSettings } from './tls';
import { tlsFiles } from './tls-files';
import { userEntries } from './users';

export const CHECKS_IN_ORDER: readonly Check[] = [
  syntaxErrors,
  includeProblems,
  sectionHeaders,
  entriesBeforeSections,
  // Before the checks of each section: a key PgBouncer cannot read is refused first.
  quotedKeys,
  // A setting's name is judged before its value, and its value before the file it names.
  mainSettingNames,
  mainSettingValues,
  settingPaths,
  databaseEntries,
  userEntries,
  peerEntries,
  tlsSettings,
  tlsFiles,
  listeners,
  // Last: it counts the errors the others found in included files.
  includeSummary,
];
