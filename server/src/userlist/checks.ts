// Findings for an auth_file (userlist.txt): what PgBouncer cannot read, which lines it ignores,
// secrets that do not work or are weaker than a SCRAM secret, and, when a pgbouncer.ini next to it
// uses the file, the users that configuration needs but the file lacks.

import * as path from 'node:path';
import type { Span } from '../syntax/syntax';
import type { Finding, RelatedInfo, Severity } from '../findings/finding';
import type { UserlistFormat } from '../syntax/userlist-format';
import type { ParsedUserlist, UserlistEntry } from '../syntax/userlist-parser';
import type { ConfigReference, ExpectedUser } from './references';
import { looksLikeScram, md5Mistake, readScramSecret, SCRAM_FORM, secretKind } from './secrets';

export interface UserlistCheckOptions {
  filePath: string;
  format: UserlistFormat;
  references: readonly ConfigReference[];
}

/** auth_type values whose logins need the user in auth_file; hba and cert may do without. */
const NEEDS_ENTRY: Record<string, Severity> = {
  md5: 'warning',
  'scram-sha-256': 'warning',
  plain: 'warning',
  trust: 'warning',
  hba: 'information',
  cert: 'information',
};

export function checkUserlist(parsed: ParsedUserlist, options: UserlistCheckOptions): Finding[] {
  const { filePath, format } = options;
  const { text, lineIndex } = parsed;
  const findings: Finding[] = [];
  const add = (
    code: string,
    severity: Severity,
    span: Span,
    message: string,
    extra: Pick<Finding, 'related' | 'tags'> = {},
  ): void => {
    findings.push({ code, severity, message, file: filePath, span, ...extra });
  };
  const lineEndAt = (offset: number): number => lineIndex.lineEnd(lineIndex.positionAt(offset).line);

  // What PgBouncer cannot read. It stops at the first problem; the others would stop it next.
  const unread = parsed.entries.filter((entry) => !entry.loaded).length;
  parsed.errors.forEach((error, index) => {
    let message = error.message;
    if (index === 0) {
      message +=
        unread > 0
          ? ` PgBouncer stops reading the file here: ${unread === 1 ? 'the user' : `the ${unread} users`} below ${unread === 1 ? 'is' : 'are'} not loaded.`
          : ' PgBouncer stops reading the file here.';
    }
    add(error.code, 'error', error.span, message);
  });
  if (parsed.stoppedAt !== null) {
    const from = lineIndex.lineStart(lineIndex.positionAt(parsed.stoppedAt).line + 1);
    let to = parsed.nulOffset ?? text.length;
    while (to > from && /\s/.test(text[to - 1])) to--;
    if (to > from && from > parsed.stoppedAt) {
      add(
        'userlist-not-read',
        'hint',
        { start: from, end: to },
        `PgBouncer never reads these lines: it stops at line ${lineIndex.lineNumberAt(parsed.stoppedAt)}.`,
        { tags: ['unnecessary'] },
      );
    }
  }
  if (parsed.nulOffset !== null && /\S/.test(text.slice(parsed.nulOffset + 1))) {
    add(
      'userlist-nul-character',
      'error',
      { start: parsed.nulOffset, end: parsed.nulOffset + 1 },
      'PgBouncer reads the file only up to this NUL character: nothing after it is loaded.',
    );
  }

  const scramAuth = options.references.find((reference) => reference.authType === 'scram-sha-256');
  for (const entry of parsed.entries) checkEntry(entry);
  checkDuplicates();
  for (const reference of options.references) checkExpectedUsers(reference);
  return findings;

  function checkEntry(entry: UserlistEntry): void {
    const { user, secret } = entry;
    const name = user.value;
    const secretOnNextLine =
      lineIndex.lineNumberAt(secret.span.start) > lineIndex.lineNumberAt(user.span.end - 1);
    if (secretOnNextLine) {
      add(
        'userlist-secret-on-next-line',
        'error',
        user.span,
        `No secret follows ${name} on its line: PgBouncer takes the next quoted text, on line ${lineIndex.lineNumberAt(secret.span.start)}, as the secret and skips the rest of that line.`,
      );
    } else if (entry.skipped) {
      add(
        'userlist-ignored-text',
        'warning',
        entry.skipped,
        'PgBouncer skips this text: the secret is the next quoted text after the user name.',
      );
    }
    for (const [field, what] of [
      [user, 'user name'],
      [secret, 'secret'],
    ] as const) {
      if (!field.raw.includes('\n')) continue;
      add(
        'userlist-field-spans-lines',
        'error',
        { start: field.span.start, end: lineEndAt(field.span.start) },
        `This ${what} has no closing quote on its line: PgBouncer reads on to the next quote, on line ${lineIndex.lineNumberAt(field.span.end - 1)}.`,
      );
    }
    if (name === '') {
      add(
        'userlist-empty-user',
        'warning',
        user.span,
        'The user name is empty: no client can log in with it.',
      );
    }
    // A secret taken from another line is not what was meant: judging it as a secret misleads.
    if (!secretOnNextLine && !secret.raw.includes('\n')) checkSecret(entry);
  }

  function checkSecret(entry: UserlistEntry): void {
    const name = entry.user.value;
    const value = entry.secret.value;
    const span = entry.secret.span;
    if (value === '') {
      add(
        'userlist-empty-secret',
        'warning',
        span,
        `${name} has an empty secret: PgBouncer refuses every password login for a user without one.`,
      );
      return;
    }
    const kind = secretKind(value, format.scram);
    if (kind === 'md5') {
      if (scramAuth) {
        add(
          'userlist-md5-with-scram-auth',
          'warning',
          span,
          `${path.basename(scramAuth.configPath)} sets auth_type = scram-sha-256, and an MD5 hash cannot answer a SCRAM login: ${name} cannot log in. Replace it with the SCRAM secret PostgreSQL keeps for ${name} (rolpassword in pg_authid).`,
        );
      } else {
        add(
          'userlist-md5-secret',
          'information',
          span,
          `The secret of ${name} is an MD5 hash: whoever reads it can log in as ${name} wherever MD5 authentication is accepted, and PostgreSQL 18 deprecates MD5 passwords. ${format.scram ? `Prefer a SCRAM secret (rolpassword in pg_authid once the password is stored with SCRAM).` : `PgBouncer ${format.scramSince} and later also take SCRAM secrets, which are safer.`}`,
        );
      }
      return;
    }
    if (kind === 'scram') return;
    if (looksLikeScram(value)) {
      const reading = readScramSecret(value);
      const why = !format.scram
        ? `this PgBouncer release does not know SCRAM secrets (they arrived in ${format.scramSince})`
        : reading.ok
          ? 'PgBouncer does not read it as one'
          : reading.reason;
      add(
        format.scram ? 'userlist-malformed-scram-secret' : 'userlist-scram-unsupported',
        'error',
        span,
        `The secret of ${name} is not a SCRAM secret PgBouncer can use: ${why}. PgBouncer takes it as a plain-text password, so logins as ${name} fail.${format.scram ? ` The form is ${SCRAM_FORM}.` : ''}`,
      );
      return;
    }
    const md5 = md5Mistake(value);
    if (md5) {
      add(
        'userlist-malformed-md5-secret',
        'warning',
        span,
        `The secret of ${name} looks like an MD5 hash, but ${md5}. PgBouncer takes it as a plain-text password, so logins with the real password fail.`,
      );
      return;
    }
    add(
      'userlist-plain-text-secret',
      'warning',
      span,
      `The secret of ${name} is a plain-text password: whoever can read this file can log in as ${name}, to PgBouncer and probably to PostgreSQL. ${
        format.scram
          ? `Store the SCRAM secret PostgreSQL keeps for ${name} instead (rolpassword in pg_authid): PgBouncer checks logins against it without knowing the password.`
          : 'Store an MD5 hash instead: "md5" followed by md5(password + user name) in hex.'
      }`,
    );
  }

  function checkDuplicates(): void {
    const last = new Map<string, UserlistEntry>();
    for (const entry of parsed.entries) if (entry.loaded) last.set(entry.user.value, entry);
    for (const entry of parsed.entries) {
      const winner = last.get(entry.user.value);
      if (!entry.loaded || !winner || winner === entry) continue;
      const related: RelatedInfo[] = [
        {
          file: filePath,
          span: winner.user.span,
          message: `The line PgBouncer uses for ${entry.user.value}`,
        },
      ];
      add(
        'userlist-duplicate-user',
        'warning',
        { start: entry.user.span.start, end: entry.secret.span.end },
        `${entry.user.value} is listed again on line ${lineIndex.lineNumberAt(winner.user.span.start)}: PgBouncer keeps the secret from that line and ignores this one.`,
        { related, tags: ['unnecessary'] },
      );
    }
  }

  function describeRole(expected: ExpectedUser, config: string): string {
    return expected.database
      ? `auth_user of database ${expected.database} in ${config}`
      : `${expected.role} in ${config}`;
  }

  function checkExpectedUsers(reference: ConfigReference): void {
    const config = path.basename(reference.configPath);
    const loaded = new Set(parsed.entries.filter((entry) => entry.loaded).map((entry) => entry.user.value));
    const seen = new Set<string>();
    for (const expected of reference.expected) {
      const key = `${expected.role}\0${expected.database ?? ''}\0${expected.name}`;
      if (seen.has(key) || loaded.has(expected.name)) continue;
      seen.add(key);
      let severity: Severity | undefined;
      let consequence: string;
      if (expected.role === 'auth_user') {
        // auth_type pam and any never run auth_query; ldap refuses auth_user.
        if (['pam', 'any', 'ldap'].includes(reference.authType)) continue;
        severity = 'information';
        consequence = `PgBouncer then logs in as ${expected.name} without a password to run auth_query, which works only if PostgreSQL lets it in without one.`;
      } else {
        // With any, anyone gets into the console; pam and ldap check passwords elsewhere.
        severity = NEEDS_ENTRY[reference.authType];
        if (!severity || expected.name === 'pgbouncer') continue;
        consequence = `${expected.name} cannot log in to the admin console${severity === 'information' ? ' with a password' : ''}.`;
      }
      const unreadEntry = parsed.entries.find((entry) => !entry.loaded && entry.user.value === expected.name);
      const related: RelatedInfo[] = [
        {
          file: expected.file.path,
          span: expected.span,
          message: `${expected.name} in ${describeRole(expected, config)}`,
        },
      ];
      const where = describeRole(expected, config);
      if (unreadEntry && parsed.stoppedAt !== null) {
        add(
          'userlist-expected-user-missing',
          severity,
          unreadEntry.user.span,
          `${where} names ${expected.name}, but PgBouncer stops reading this file at line ${lineIndex.lineNumberAt(parsed.stoppedAt)}, before this line: ${consequence}`,
          { related },
        );
      } else {
        add(
          'userlist-expected-user-missing',
          severity,
          { start: 0, end: 0 },
          `${where} names ${expected.name}, but this file has no line for ${expected.name}: ${consequence}`,
          { related },
        );
      }
    }
  }
}
