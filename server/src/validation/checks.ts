// Every check the validator can report, with a stable id. The CLI's SARIF output and the
// documentation are generated from this list.

import type { Fix } from '../lint/edits';
import type { Span } from '../parser/syntax';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface CheckInfo {
  id: string;
  severity: Severity;
  title: string;
  /** Why it matters and what to do, in a sentence or two. */
  help: string;
}

const list: CheckInfo[] = [
  {
    id: 'syntax-error',
    severity: 'error',
    title: 'Syntax error',
    help: "PgBouncer stops reading the file at the first line it cannot parse and refuses to start. Every line must be a [section], a whole-line comment starting with ; or #, '%include FILE', or 'key = value'.",
  },
  {
    id: 'unknown-section',
    severity: 'error',
    title: 'Unknown section',
    help: 'Only [pgbouncer], [databases], [users] (1.6+) and [peers] (1.19+) exist. Section names are case-sensitive and may not contain spaces.',
  },
  {
    id: 'missing-pgbouncer-section',
    severity: 'error',
    title: 'No [pgbouncer] section',
    help: 'PgBouncer refuses to start when the configuration has no [pgbouncer] section.',
  },
  {
    id: 'key-outside-section',
    severity: 'error',
    title: 'Setting before any section',
    help: 'Every setting must come after a section header; PgBouncer refuses a value without a section.',
  },
  {
    id: 'unknown-setting',
    severity: 'error',
    title: 'Unknown setting',
    help: 'PgBouncer refuses to start on a key it does not know. Keys are case-sensitive.',
  },
  {
    id: 'misplaced-setting',
    severity: 'error',
    title: 'Setting in the wrong section',
    help: '[pgbouncer] settings go in [pgbouncer]; [databases] holds one connection string per database.',
  },
  {
    id: 'invalid-value',
    severity: 'error',
    title: 'Invalid value',
    help: 'PgBouncer refuses to start when a value cannot be read for its type: integers and booleans are plain numbers, times are seconds without a unit, enums are one of the listed words without quotes.',
  },
  {
    id: 'inline-comment',
    severity: 'warning',
    title: 'Text that looks like an inline comment',
    help: "PgBouncer has only whole-line comments: '; ...' or '# ...' after a value is part of the value. Move the comment to its own line.",
  },
  {
    id: 'octal-number',
    severity: 'warning',
    title: 'Number with a leading zero',
    help: 'PgBouncer reads integers with a leading 0 as octal: 0100 is 64. Remove the leading zero unless you mean octal.',
  },
  {
    id: 'integer-overflow',
    severity: 'warning',
    title: 'Integer out of range',
    help: 'PgBouncer stores this setting in a C int and silently truncates larger numbers.',
  },
  {
    id: 'negative-value',
    severity: 'warning',
    title: 'Negative count or size',
    help: 'PgBouncer accepts negative numbers here but they make no sense and lead to surprising behaviour.',
  },
  {
    id: 'value-out-of-range',
    severity: 'warning',
    title: 'Value outside the sensible range',
    help: 'PgBouncer accepts the value but it is almost certainly a mistake.',
  },
  {
    id: 'bool-not-0-or-1',
    severity: 'warning',
    title: 'Boolean other than 0 or 1',
    help: 'PgBouncer reads booleans as integers: 0 is off and every other number is on. Write 0 or 1.',
  },
  {
    id: 'invalid-port',
    severity: 'error',
    title: 'Invalid port',
    help: 'PgBouncer refuses a port that is not a positive number.',
  },
  {
    id: 'port-out-of-range',
    severity: 'warning',
    title: 'Port outside 1..65535',
    help: 'PgBouncer does not check the range: 70000 silently becomes port 4464 and 0 an ephemeral port.',
  },
  {
    id: 'connection-string-syntax',
    severity: 'error',
    title: 'Connection string syntax error',
    help: "A connection string is space-separated name=value pairs; values with spaces go in single quotes, with '' for a quote. PgBouncer refuses the whole entry.",
  },
  {
    id: 'unknown-parameter',
    severity: 'error',
    title: 'Unknown connection parameter',
    help: 'PgBouncer refuses an entry with a parameter it does not know. Parameter names are case-sensitive.',
  },
  {
    id: 'ignored-text',
    severity: 'warning',
    title: 'Text PgBouncer ignores',
    help: 'PgBouncer silently ignores this text; the value it uses is probably not what was meant.',
  },
  {
    id: 'reserved-name',
    severity: 'error',
    title: 'Reserved name',
    help: "'pgbouncer' is the admin console's database name and cannot be used for a database.",
  },
  {
    id: 'invalid-peer-id',
    severity: 'error',
    title: 'Invalid peer id',
    help: 'The keys of [peers] are peer ids, whole numbers from 1 to 65535.',
  },
  {
    id: 'missing-required-parameter',
    severity: 'error',
    title: 'Missing required parameter',
    help: 'PgBouncer refuses this entry without the parameter.',
  },
  {
    id: 'include-not-found',
    severity: 'error',
    title: 'Included file not found',
    help: 'PgBouncer refuses to start when an %include file cannot be read. Relative paths are resolved against the directory PgBouncer runs in, not the including file.',
  },
  {
    id: 'include-too-deep',
    severity: 'error',
    title: 'Includes nested too deep',
    help: 'PgBouncer allows 10 levels of %include; deeper nesting, or a file that includes itself, makes it refuse to start.',
  },
  {
    id: 'include-has-errors',
    severity: 'error',
    title: 'Included file has errors',
    help: 'A file pulled in with %include has errors of its own; they stop PgBouncer as if they were in this file.',
  },
  {
    id: 'tls-files-required',
    severity: 'error',
    title: 'TLS needs its key, certificate or CA file',
    help: 'PgBouncer refuses to start when client TLS is enabled without client_tls_key_file and client_tls_cert_file, or when certificate verification is asked for without a CA file.',
  },
  {
    id: 'file-not-read',
    severity: 'warning',
    title: 'File not read by the linter',
    help: 'The linter reads only regular files, up to 8 MB each, 24 MB in all per analysis and 200,000 lines of included files. A FIFO, a device, a socket, a larger file or one past that budget is named but not checked; PgBouncer itself would wait on a FIFO and never finish reading a device such as /dev/zero.',
  },
  {
    id: 'include-is-directory',
    severity: 'warning',
    title: 'Included path is a directory',
    help: 'PgBouncer reads a directory named in %include as an empty file: nothing is included. Name a file.',
  },
  {
    id: 'name-too-long',
    severity: 'error',
    title: 'Name too long',
    help: 'PgBouncer keeps database names in a fixed buffer of 63 bytes and refuses longer ones.',
  },
  {
    id: 'nowhere-to-listen',
    severity: 'error',
    title: 'Nowhere to listen',
    help: 'With listen_addr and unix_socket_dir both empty PgBouncer has no listening socket and refuses to start.',
  },
  {
    id: 'invalid-tls-setting',
    severity: 'error',
    title: 'Invalid TLS setting',
    help: 'PgBouncer checks TLS protocol lists, cipher lists, DH parameters and the ECDH curve when it sets up TLS on a side where TLS is enabled, and refuses to start on a value it cannot use.',
  },
  {
    id: 'newer-than-target',
    severity: 'error',
    title: 'Not available in the target version',
    help: 'The target PgBouncer version does not know this setting, section or value and refuses to start. Raise the target version (pgbouncer.targetVersion / --target-version) or remove it.',
  },
  {
    id: 'removed-value',
    severity: 'error',
    title: 'Value no longer supported',
    help: 'This value was removed from PgBouncer; the target version refuses it.',
  },
  {
    id: 'platform-specific',
    severity: 'error',
    title: 'Setting of another platform',
    help: 'This setting exists only in Windows builds of PgBouncer; others refuse it as unknown.',
  },
  {
    id: 'section-reset',
    severity: 'warning',
    title: 'Second [pgbouncer] header',
    help: 'Each [pgbouncer] header resets every [pgbouncer] setting to its default, so settings above it are lost. Keep one [pgbouncer] section.',
  },
  {
    id: 'duplicate-setting',
    severity: 'warning',
    title: 'Setting given twice',
    help: 'PgBouncer silently uses the last value; the earlier line has no effect.',
  },
  {
    id: 'duplicate-database',
    severity: 'warning',
    title: 'Database defined twice',
    help: 'PgBouncer silently uses the last definition; the earlier one has no effect.',
  },
  {
    id: 'duplicate-user',
    severity: 'warning',
    title: 'User listed twice',
    help: 'PgBouncer silently uses the last entry for the user; the earlier one has no effect.',
  },
  {
    id: 'duplicate-parameter',
    severity: 'warning',
    title: 'Connection parameter given twice',
    help: 'PgBouncer silently uses the last value of the parameter.',
  },
  {
    id: 'deprecated',
    severity: 'warning',
    title: 'Deprecated',
    help: 'Still accepted, but deprecated; use the replacement.',
  },
  {
    id: 'file-not-found',
    severity: 'warning',
    title: 'Referenced file not found',
    help: 'The file or directory does not exist on this machine, resolved against the directory PgBouncer runs in. PgBouncer fails or logs errors when it cannot read it.',
  },
  {
    id: 'nul-character',
    severity: 'warning',
    title: 'NUL character',
    help: 'PgBouncer stops reading the file at a NUL character; everything after it is ignored.',
  },
  {
    id: 'autodb-connection-string',
    severity: 'warning',
    title: 'Problem in the fallback database',
    help: "PgBouncer reads the '*' connection string only when a client asks for an unlisted database, so this error appears at connect time, not at startup.",
  },
  {
    id: 'unknown-rule',
    severity: 'warning',
    title: 'Unknown rule in a pgbouncer-lint comment',
    help: 'The comment names a rule id that does not exist, so it suppresses nothing. Check the spelling.',
  },
  {
    id: 'unused-suppression',
    severity: 'information',
    title: 'Suppression comment without effect',
    help: 'A pgbouncer-lint disable comment that hides no finding is noise, and may hide a future one by accident. Remove it.',
  },
  {
    id: 'invalid-lint-config',
    severity: 'warning',
    title: 'Problem in .pgbouncerlintrc.json',
    help: 'Part of the project lint configuration could not be used; the rest still applies.',
  },
  {
    id: 'userlist-broken-line',
    severity: 'error',
    title: 'userlist.txt: line PgBouncer cannot read',
    help: 'Each line of an auth_file is "user" "secret" with double quotes (a "" inside stands for one quote). PgBouncer stops reading the file at a line it cannot read, so the users below it cannot log in.',
  },
  {
    id: 'userlist-unterminated-quote',
    severity: 'error',
    title: 'userlist.txt: quote without its end',
    help: 'A quoted user or secret has no closing quote; PgBouncer stops reading the file there.',
  },
  {
    id: 'userlist-missing-secret',
    severity: 'error',
    title: 'userlist.txt: user without a secret',
    help: 'A user name with no quoted secret after it; PgBouncer stops reading the file there.',
  },
  {
    id: 'userlist-user-too-long',
    severity: 'error',
    title: 'userlist.txt: user name too long',
    help: 'PgBouncer keeps user names in a fixed buffer and stops reading the file at a longer one.',
  },
  {
    id: 'userlist-secret-too-long',
    severity: 'error',
    title: 'userlist.txt: secret too long',
    help: 'PgBouncer keeps secrets in a fixed buffer (its size depends on the release) and stops reading the file at a longer one.',
  },
  {
    id: 'userlist-not-read',
    severity: 'hint',
    title: 'userlist.txt: lines PgBouncer does not read',
    help: 'These lines come after the point where PgBouncer stops reading the file; they have no effect.',
  },
  {
    id: 'userlist-nul-character',
    severity: 'error',
    title: 'userlist.txt: NUL character',
    help: 'PgBouncer stops reading the auth_file at a NUL character.',
  },
  {
    id: 'userlist-secret-on-next-line',
    severity: 'error',
    title: 'userlist.txt: secret taken from the next line',
    help: 'PgBouncer does not read the file line by line: a user without a secret on its line takes the next quoted text as its secret, and that line is lost.',
  },
  {
    id: 'userlist-ignored-text',
    severity: 'warning',
    title: 'userlist.txt: text PgBouncer skips',
    help: 'Text between the user and the secret, or after the secret, is skipped by PgBouncer.',
  },
  {
    id: 'userlist-field-spans-lines',
    severity: 'error',
    title: 'userlist.txt: quoted text runs past its line',
    help: 'A quoted user or secret runs on into the next line; PgBouncer reads it as one value.',
  },
  {
    id: 'userlist-empty-user',
    severity: 'warning',
    title: 'userlist.txt: empty user name',
    help: 'An entry for the empty user name is useless.',
  },
  {
    id: 'userlist-empty-secret',
    severity: 'warning',
    title: 'userlist.txt: empty secret',
    help: 'A user with an empty secret cannot log in with a password.',
  },
  {
    id: 'userlist-md5-with-scram-auth',
    severity: 'warning',
    title: 'userlist.txt: MD5 secret with auth_type = scram-sha-256',
    help: 'With auth_type = scram-sha-256 a user whose secret is an MD5 hash cannot log in. Store the SCRAM secret from pg_authid instead.',
  },
  {
    id: 'userlist-md5-secret',
    severity: 'information',
    title: 'userlist.txt: MD5 secret',
    help: 'MD5 secrets work but are weaker than SCRAM secrets; copy the SCRAM secret from pg_authid.',
  },
  {
    id: 'userlist-malformed-scram-secret',
    severity: 'error',
    title: 'userlist.txt: malformed SCRAM secret',
    help: 'A secret that starts like a SCRAM secret but is not one; PgBouncer cannot use it to log the user in.',
  },
  {
    id: 'userlist-scram-unsupported',
    severity: 'error',
    title: 'userlist.txt: SCRAM secret before PgBouncer 1.11',
    help: 'The target PgBouncer version does not know SCRAM secrets.',
  },
  {
    id: 'userlist-malformed-md5-secret',
    severity: 'warning',
    title: 'userlist.txt: malformed MD5 secret',
    help: 'A secret that starts with md5 but is not an MD5 hash is taken as a plain-text password.',
  },
  {
    id: 'userlist-plain-text-secret',
    severity: 'warning',
    title: 'userlist.txt: plain-text password',
    help: 'The password sits in the file in clear text. Store the SCRAM secret from pg_authid instead: PgBouncer can still log in to PostgreSQL with it.',
  },
  {
    id: 'userlist-duplicate-user',
    severity: 'warning',
    title: 'userlist.txt: user listed twice',
    help: 'PgBouncer uses one of the entries; the other has no effect.',
  },
  {
    id: 'userlist-expected-user-missing',
    severity: 'warning',
    title: 'userlist.txt: a user the configuration needs is missing',
    help: 'A name in admin_users, stats_users or auth_user of a pgbouncer.ini that uses this file as auth_file has no entry here, so it cannot log in with a password.',
  },
  {
    id: 'document-too-large',
    severity: 'error',
    title: 'Document too large',
    help: 'The document is too large to analyse.',
  },
];

export const CHECKS: ReadonlyMap<string, CheckInfo> = new Map(list.map((check) => [check.id, check]));

export interface RelatedInfo {
  file: string;
  span: Span;
  message: string;
}

/** A problem found in one file, located by text offsets in that file. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** Path of the file the span refers to (the main file or an included one). */
  file: string;
  span: Span;
  related?: RelatedInfo[];
  /** Marks text that has no effect (faded in editors) or that is deprecated (struck through). */
  tags?: ('unnecessary' | 'deprecated')[];
  /** Ways to fix it, best first. */
  fixes?: Fix[];
}
