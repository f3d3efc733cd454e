// The users auth_file lists, read where the configuration says it is (on this machine), for the
// rules that check names against it. Read once per analysis: several rules ask.

import { resolvePath } from '../../model/config';
import { userlistFormat } from '../../syntax/userlist-format';
import { parseUserlist } from '../../syntax/userlist-parser';
import type { RuleContext, SharedStore } from '../rule';

const usersByContext: SharedStore<ReadonlySet<string> | null> = new WeakMap();

/**
 * The names PgBouncer loads from auth_file (it stops at the first bad line), or null when there is
 * no auth_file or it cannot be read here (validation reports a missing one).
 */
export function authFileUsers(context: RuleContext): ReadonlySet<string> | null {
  return context.shared(usersByContext, () => readUsers(context));
}

function readUsers(context: RuleContext): ReadonlySet<string> | null {
  const authFile = context.value('auth_file');
  if (authFile === '') return null;
  const filePath = resolvePath(authFile, context.runDirectory);
  // A directory reads as an empty file to PgBouncer; here it says nothing about the users.
  if (context.fileSystem.stat(filePath) !== 'file') return null;
  const read = context.fileSystem.readFile(filePath);
  if ('problem' in read) return null;
  const parsed = parseUserlist(read.text, userlistFormat(context.target));
  return new Set(parsed.entries.filter((entry) => entry.loaded).map((entry) => entry.user.value));
}
