// [users] entries (user = parameters), and the users PgBouncer creates while loading, whose names
// it cuts to MAX_USER_NAME_BYTES.

import { bytesOf } from '../files/text-bytes';
import { connStringOf } from '../syntax/connstring';
import { ACCEPTED } from './check';
import type { Check, CheckContext, Place } from './check';
import { CONNECTION_PARAM_REPORTS, checkConnectionParams } from './connection-params';
import { reportDuplicate } from './duplicates';

/** PgBouncer 1.18 stores user names in a buffer of 128 bytes (MAX_USERNAME): 127 and a NUL. */
const MAX_USER_NAME_BYTES = 127;

export const userEntries: Check = {
  name: '[users] entries',
  reports: ['connection-string-syntax', ...CONNECTION_PARAM_REPORTS, 'name-too-long', 'duplicate-user'],
  entriesIn: ['users'],
  entry(at, context) {
    const { entry, file } = at;
    const connString = connStringOf(file.parsed, entry);
    if (connString.error) {
      context.report(
        file,
        connString.error.span,
        'connection-string-syntax',
        `${connString.error.message} PgBouncer refuses this user entry.`,
      );
    }
    checkConnectionParams(at, 'users', connString, false, context);
    noteCreatedUser(entry.key.text, { file, span: entry.key.span }, context);
    const previous = context.users.get(entry.key.text);
    if (previous) {
      reportDuplicate(
        at,
        previous,
        'duplicate-user',
        {
          message: `User '${entry.key.text}' is already listed on ${context.where(previous)}; PgBouncer uses this later entry.`,
          earlier: 'earlier entry, without effect',
          fixTitle: `Remove the earlier entry for '${entry.key.text}', which has no effect`,
        },
        context,
      );
    }
    return ACCEPTED;
  },
};

/**
 * PgBouncer keeps the users of [users] keys and of [databases] auth_user= in one sorted list
 * (add_user in objects.c), with names cut to MAX_USER_NAME_BYTES. It looks a name up uncut, so a
 * longer name is never found and is added again: when its cut name is already in the list,
 * PgBouncer stops with "put_in_order: found existing elem" (measured on 1.18).
 */
export function noteCreatedUser(name: string, where: Place, context: CheckContext): void {
  const createdUsers = context.createdUsers;
  // The file's own bytes: a Latin-1 letter is one byte, not the three of U+FFFD.
  const bytes = Buffer.from(bytesOf(name));
  if (bytes.length <= MAX_USER_NAME_BYTES) {
    const key = bytes.toString('latin1');
    if (!createdUsers.has(key)) createdUsers.set(key, where);
    return;
  }
  const cut = bytes.subarray(0, MAX_USER_NAME_BYTES).toString('latin1');
  const earlier = createdUsers.get(cut);
  if (!earlier) {
    createdUsers.set(cut, where);
    return;
  }
  const line = earlier.file.parsed.lineIndex.lineNumberAt(earlier.span.start);
  const place = earlier.file === where.file ? `line ${line}` : `${earlier.file.path}:${line}`;
  context.report(
    where.file,
    where.span,
    'name-too-long',
    `The user name is ${bytes.length} bytes long; PgBouncer keeps only the first ${MAX_USER_NAME_BYTES}, which are those of the user on ${place}, and then refuses to start ("found existing elem").`,
    {
      related: [
        { file: earlier.file.path, span: earlier.span, message: 'the user whose name it collides with' },
      ],
    },
  );
}
