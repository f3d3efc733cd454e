// The class of every fix (findings/fix.ts, FixKind), with the reason, for docs/fixes.md. The classes
// themselves are set where each fix is made; test/unit/fix-classes.test.ts makes every check and
// rule produce its fixes and holds them to this table both ways, so that the two cannot drift.

import type { FixKind } from '../findings/fix';

export interface FixClass {
  /** The check or rule whose findings carry the fix. */
  id: string;
  /** The fix, as the table names it. */
  fix: string;
  /** Titles of the fixes this row is about. */
  titles: RegExp;
  kind: FixKind;
  /** Why it belongs to its class, in one line. */
  why: string;
}

const RENAME = /^Rename to '/;
/** A guess whose result has a finding of its own (analysis/verify.ts). */
const THEN = /^Rename to .* \(then: [a-z-, ]+\)$/;
const NO_EFFECT = 'PgBouncer uses the later one; the earlier one changes nothing.';

export const FIX_CLASSES: readonly FixClass[] = [
  // PgBouncer's own checks
  {
    id: 'unknown-setting',
    fix: 'Rename a misspelt key to the setting it is closest to',
    titles: RENAME,
    kind: 'safe',
    why: 'PgBouncer refuses the key; the value stays, under the name it evidently meant (if the result has a finding of its own, the rename is only a suggestion).',
  },
  {
    id: 'unknown-parameter',
    fix: 'Rename a misspelt connection parameter',
    titles: RENAME,
    kind: 'safe',
    why: 'PgBouncer refuses the entry; as for a key, the value stays and the result is checked.',
  },
  {
    id: 'unknown-section',
    fix: 'Rename a misspelt section header to the section it is closest to',
    titles: /^Rename to \[/,
    kind: 'safe',
    why: 'PgBouncer refuses the header; renamed, its entries are read where they evidently belong (checked, as for a key).',
  },
  {
    id: 'autodb-connection-string',
    fix: 'Rename a misspelt parameter of the fallback database',
    titles: RENAME,
    kind: 'safe',
    why: 'PgBouncer refuses every connection through the entry; as for a key, the value stays and the result is checked.',
  },
  {
    id: 'autodb-connection-string',
    fix: 'Change a misspelt enum value of the fallback database to the closest one',
    titles: /^Change to '/,
    kind: 'suggestion',
    why: 'As for any enum value, the value chooses behaviour: a guess is for the user to confirm.',
  },
  {
    id: 'unknown-setting',
    fix: 'The same rename when the result has a finding of its own (the key is already set)',
    titles: THEN,
    kind: 'suggestion',
    why: 'The message suggests it, so it is offered, but the result needs a look: it is never applied without asking.',
  },
  {
    id: 'unknown-parameter',
    fix: 'The same rename when the result has a finding of its own (the parameter is already given)',
    titles: THEN,
    kind: 'suggestion',
    why: 'As for a key: offered because the message suggests it, never applied without asking.',
  },
  {
    id: 'unknown-section',
    fix: 'The same rename when the result has a finding of its own (a second [pgbouncer] resets the first)',
    titles: THEN,
    kind: 'suggestion',
    why: 'As for a key: offered because the message suggests it, never applied without asking.',
  },
  {
    id: 'misplaced-setting',
    fix: 'Move a [pgbouncer] setting written in [databases] to [pgbouncer]',
    titles: /^Move \S+ to \[pgbouncer\]$/,
    kind: 'safe',
    why: 'PgBouncer refuses it where it is; moved, it is the setting it evidently is.',
  },
  {
    id: 'invalid-value',
    fix: 'Move an inline comment out of a value PgBouncer refuses',
    titles: /^Move the comment to its own line$/,
    kind: 'safe',
    why: 'The value is refused because of the comment; without it, it is what was written.',
  },
  {
    id: 'invalid-value',
    fix: 'Remove the quotes around a number, time or enum',
    titles: /^Remove the quotes$/,
    kind: 'safe',
    why: 'PgBouncer refuses the quoted value; unquoted, it is the value written.',
  },
  {
    id: 'invalid-value',
    fix: 'Write yes/no/true/false/on/off as 1 or 0',
    titles: /^Write [01]$/,
    kind: 'safe',
    why: 'PgBouncer refuses the word; the number means the same.',
  },
  {
    id: 'invalid-value',
    fix: 'Write a time with a unit (10min) in seconds (600)',
    titles: /^Write \S+ \(seconds\)$/,
    kind: 'safe',
    why: 'PgBouncer refuses the unit; the conversion is exact.',
  },
  {
    id: 'invalid-value',
    fix: 'Remove the unit from a count (100k)',
    titles: /^Remove the unit$/,
    kind: 'suggestion',
    why: 'A unit on a count may mean a multiple (4kB is not 4): only the user knows.',
  },
  {
    id: 'invalid-value',
    fix: "Change a misspelt enum value to the closest one ('sesion' to 'session')",
    titles: /^Change to '/,
    kind: 'suggestion',
    why: 'The value chooses behaviour (authentication, TLS, pooling): a guess there is for the user to confirm.',
  },
  {
    id: 'removed-value',
    fix: 'Change a value the target version no longer has to its new spelling',
    titles: /^Change to '/,
    kind: 'safe',
    why: 'Same meaning, the spelling the target version reads.',
  },
  {
    id: 'deprecated',
    fix: 'Rename a deprecated setting or parameter to its replacement',
    titles: RENAME,
    kind: 'safe',
    why: 'PgBouncer reads both names as the same setting.',
  },
  {
    id: 'duplicate-setting',
    fix: 'Remove the earlier of two lines setting the same key',
    titles: /^Remove the earlier \S+ line, which has no effect$/,
    kind: 'safe',
    why: NO_EFFECT,
  },
  {
    id: 'duplicate-database',
    fix: 'Remove the earlier of two definitions of a database',
    titles: /^Remove the earlier definition of '.*', which has no effect$/,
    kind: 'safe',
    why: NO_EFFECT,
  },
  {
    id: 'duplicate-user',
    fix: 'Remove the earlier of two entries for a user',
    titles: /^Remove the earlier entry for '.*', which has no effect$/,
    kind: 'safe',
    why: NO_EFFECT,
  },
  {
    id: 'duplicate-parameter',
    fix: 'Remove the earlier of two values of a connection parameter',
    titles: /^Remove the earlier \S+, which has no effect$/,
    kind: 'safe',
    why: NO_EFFECT,
  },
  {
    id: 'octal-number',
    fix: 'Write the number PgBouncer reads (0100 becomes 64)',
    titles: /\(the value PgBouncer uses now\)$/,
    kind: 'safe',
    why: 'The same number, without the octal surprise.',
  },
  {
    id: 'octal-number',
    fix: 'Write the decimal number that was probably meant (0100 becomes 100)',
    titles: /\(decimal\)$/,
    kind: 'suggestion',
    why: 'Probably meant, but PgBouncer has been running with the octal value: changing it is a decision.',
  },
  {
    id: 'bool-not-0-or-1',
    fix: 'Write a boolean other than 0 as 1',
    titles: /^Write 1$/,
    kind: 'safe',
    why: 'PgBouncer reads every number but 0 as on; 1 says the same.',
  },
  {
    id: 'inline-comment',
    fix: 'Move text that looks like a comment out of a string value',
    titles: /^Move the comment to its own line$/,
    kind: 'recommended',
    why: 'PgBouncer accepts the value with the comment in it and uses it so: removing it changes the value.',
  },
  {
    id: 'ignored-text',
    fix: 'Remove the quotes PgBouncer keeps in a string value',
    titles: /^Remove the quotes$/,
    kind: 'recommended',
    why: 'PgBouncer uses the quotes as part of the value: removing them changes it.',
  },
  {
    id: 'ignored-text',
    fix: 'Put a space after a quoted connection-string value',
    titles: /^Put a space after the quoted value$/,
    kind: 'safe',
    why: 'PgBouncer drops the character after the quote; kept only where that makes the entry read as written and adds no finding.',
  },
  {
    id: 'unused-suppression',
    fix: 'Remove a pgbouncer-lint comment that suppresses nothing',
    titles: /^Remove the unused pgbouncer-lint comment$/,
    kind: 'safe',
    why: 'A comment; PgBouncer does not read it (held back while the file has an error that could hide its finding).',
  },
  // Audit rules
  {
    id: 'auth-type-insecure',
    fix: 'Set auth_type = scram-sha-256',
    titles: /^Set auth_type = scram-sha-256/,
    kind: 'suggestion',
    why: 'Clients without SCRAM secrets or passwords can no longer log in; only the user knows whether they have them.',
  },
  {
    id: 'auth-type-md5',
    fix: 'Set auth_type = scram-sha-256',
    titles: /^Set auth_type = scram-sha-256/,
    kind: 'suggestion',
    why: 'Users whose secret is an MD5 hash can no longer log in.',
  },
  {
    id: 'client-idle-timeout-disabled',
    fix: 'Set client_idle_timeout = 900',
    titles: /^Set client_idle_timeout = 900/,
    kind: 'recommended',
    why: 'Idle clients are then disconnected after 15 minutes.',
  },
  {
    id: 'client-tls-not-required',
    fix: 'Set client_tls_sslmode = require',
    titles: /^Set client_tls_sslmode = require$/,
    kind: 'recommended',
    why: 'Clients without TLS are then refused.',
  },
  {
    id: 'listen-all-interfaces-without-tls',
    fix: 'Set client_tls_sslmode = require',
    titles: /^Set client_tls_sslmode = require$/,
    kind: 'recommended',
    why: 'Clients without TLS are then refused.',
  },
  {
    id: 'listen-all-interfaces-without-tls',
    fix: 'Set listen_addr = 127.0.0.1',
    titles: /^Set listen_addr = 127\.0\.0\.1/,
    kind: 'suggestion',
    why: 'Clients on other hosts can no longer connect; which addresses they use only the user knows.',
  },
  {
    id: 'idle-transaction-timeout-missing',
    fix: 'Set idle_transaction_timeout = 60',
    titles: /^Set idle_transaction_timeout = 60$/,
    kind: 'recommended',
    why: 'A client idle inside a transaction is then disconnected after a minute.',
  },
  {
    id: 'log-pooler-errors-off',
    fix: 'Set log_pooler_errors = 1',
    titles: /^Set log_pooler_errors = 1$/,
    kind: 'recommended',
    why: 'PgBouncer then logs more.',
  },
  {
    id: 'unix-socket-mode-decimal',
    fix: 'Add the leading 0 to a mode written in decimal (777 becomes 0777)',
    titles: /^Write 0[0-7]+ \(octal\)$/,
    kind: 'suggestion',
    why: 'Probably what was meant, but it changes who may connect to the socket.',
  },
  {
    id: 'syslog-facility-unknown',
    fix: 'Lower-case a known syslog facility (LOCAL0 becomes local0)',
    titles: /^Write '[a-z0-9]+'$/,
    kind: 'recommended',
    why: 'PgBouncer then logs with that facility instead of daemon.',
  },
  {
    id: 'list-semicolon',
    fix: "Replace ';' with ',' in a list of names",
    titles: /^Replace ';' with ','$/,
    kind: 'suggestion',
    why: 'The names then take effect (admin and stats rights among them): who gets them is for you to confirm.',
  },
  {
    id: 'pkt-buf-too-small',
    fix: 'Set pkt_buf to its default (4096)',
    titles: /^Set pkt_buf = 4096 \(the default\)$/,
    kind: 'recommended',
    why: 'Logins then work; each connection uses a little more memory.',
  },
  {
    id: 'syslog-disabled',
    fix: 'Set syslog = 1',
    titles: /^Set syslog = 1$/,
    kind: 'recommended',
    why: 'PgBouncer then logs to syslog as well.',
  },
  {
    id: 'prepared-statements-disabled',
    fix: 'Set max_prepared_statements (200)',
    titles: /^Set max_prepared_statements = \d+$/,
    kind: 'recommended',
    why: 'PgBouncer then tracks protocol-level prepared statements.',
  },
  {
    id: 'query-wait-timeout-disabled',
    fix: 'Set query_wait_timeout (120)',
    titles: /^Set query_wait_timeout = \d+$/,
    kind: 'recommended',
    why: 'Clients waiting that long for a server connection are then disconnected.',
  },
  {
    id: 'server-idle-timeout-range',
    fix: 'Set server_idle_timeout to its default',
    titles: /^Set server_idle_timeout = \S+ \(the default\)$/,
    kind: 'recommended',
    why: 'Idle server connections are then closed at another time.',
  },
  {
    id: 'server-lifetime-range',
    fix: 'Set server_lifetime (globally or for a database) to the default',
    titles: /^Set server_lifetime ?= ?\d+/,
    kind: 'recommended',
    why: 'Server connections are then recycled at another age.',
  },
  {
    id: 'stats-period-range',
    fix: 'Set stats_period to its default',
    titles: /^Set stats_period = \d+ \(the default\)$/,
    kind: 'recommended',
    why: 'Statistics are then averaged over another period.',
  },
  {
    id: 'server-tls-not-verified',
    fix: 'Set server_tls_sslmode = require, or verify-full when a CA file is set',
    titles: /^Set server_tls_sslmode = (require|verify-full)$/,
    kind: 'recommended',
    why: 'Servers without TLS, or with a certificate the CA does not vouch for, are then refused.',
  },
  {
    id: 'tls-old-protocols',
    fix: 'Set client_tls_protocols / server_tls_protocols = secure',
    titles: /^Set (client|server)_tls_protocols = secure$/,
    kind: 'recommended',
    why: 'Peers that only speak TLS 1.0 or 1.1 are then refused.',
  },
  {
    id: 'tls-weak-ciphers',
    fix: 'Set client_tls_ciphers / server_tls_ciphers = default',
    titles: /^Set (client|server)_tls_ciphers = default$/,
    kind: 'recommended',
    why: 'Peers that only offer the weak suites are then refused.',
  },
  {
    id: 'reset-query-ignored',
    fix: 'Remove server_reset_query',
    titles: /^Remove server_reset_query/,
    kind: 'safe',
    why: 'No pool uses session pooling, so the query never runs (not offered while a pool_mode is invalid).',
  },
  {
    id: 'reset-query-ignored',
    fix: 'Set server_reset_query_always = 1',
    titles: /^Set server_reset_query_always = 1/,
    kind: 'suggestion',
    why: 'A round trip after every transaction, for applications that keep session state: theirs to decide.',
  },
  {
    id: 'min-pool-above-default',
    fix: 'Lower min_pool_size to what the pool can hold, globally or on the database concerned',
    titles: /^Set /,
    kind: 'safe',
    why: 'Only offered as safe when every pool then keeps the connections it keeps now (checked on the pool model).',
  },
  {
    id: 'pool-exceeds-connection-limit',
    fix: 'Lower the pool size or reserve to what the cap lets it use',
    titles: /^Set /,
    kind: 'safe',
    why: 'Only offered as safe when every pool then holds what it can hold now (checked on the pool model).',
  },
  {
    id: 'pool-exceeds-connection-limit',
    fix: 'The same change where it would change some pool',
    titles: /^Set /,
    kind: 'suggestion',
    why: 'Pool sizes are for the operator to choose.',
  },
  {
    id: 'reserve-pool-without-timeout',
    fix: 'Set the reserve to 0',
    titles: /\(no reserve\)$/,
    kind: 'safe',
    why: 'The reserve never opens a connection with reserve_pool_timeout = 0: the file then says so.',
  },
  {
    id: 'reserve-pool-without-timeout',
    fix: 'Set reserve_pool_timeout = 5',
    titles: /^Set reserve_pool_timeout = 5/,
    kind: 'recommended',
    why: 'The reserve then opens connections after 5 seconds of waiting.',
  },
];

const CLASS_MEANING: Record<FixKind, string> = {
  safe: 'PgBouncer does what it did before, or starts with a file it refused, as the file evidently meant.',
  recommended: "Changes what PgBouncer does, on the audit's advice.",
  suggestion: 'A decision only you can make (who can log in, where PgBouncer listens, a guessed value).',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function fixesMarkdown(): string {
  const lines: string[] = [
    '# Fix classes',
    '',
    'Generated from the code by `npx tsx scripts/write-docs.ts`; do not edit by hand.',
    '',
    'Every quick fix belongs to one of three classes:',
    '',
    '| class | what it means | applied by |',
    '| --- | --- | --- |',
    `| safe | ${CLASS_MEANING.safe} | \`pgbouncer-lint --fix\`, \`--fix=all\`, "Fix all" and fix on save, the light bulb |`,
    `| recommended | ${CLASS_MEANING.recommended} | \`pgbouncer-lint --fix=all\`, the light bulb (its title says "changes behaviour") |`,
    `| suggestion | ${CLASS_MEANING.suggestion} | the light bulb only (its title says "review first") |`,
    '',
    'So fixes that change behaviour are never applied automatically: `--fix` and fix on save apply safe fixes only.',
    "Of a finding's fixes, only its first safe one, else its first recommended one, is ever applied without asking",
    '(the light bulb marks it as preferred); the others are offered in the light bulb.',
    '',
    'Every message that suggests a replacement ("did you mean \'transaction\'?", "write [databases]") has a fix',
    'that writes it. A guess is tried first: one that does not remove its finding is dropped; one whose result has',
    'a finding of its own (the key it renames to is already set, the TLS mode it names needs a key file) is kept as',
    'a suggestion whose title names that finding ("(then: duplicate-setting)"), so it is never applied without asking.',
    '',
    'A fix whose reason rests on a line with an error is held back from `--fix`, `--fix=all` and "Fix all", and',
    'the light bulb says why ("held back while line 2 has an error"): with `pool_mode=sesion` in a database, no',
    'pool seems to use session pooling, and removing `server_reset_query` would look harmless until the typo is',
    'corrected. Rules note what they read (a `[pgbouncer]` setting, the `[databases]` or `[users]` entries); an',
    'invalid value on a `[pgbouncer]` line taints that setting, an unknown key every setting (it may be the',
    'misspelling of any), an error in an entry its section, and a syntax, section or `%include` error, or a NUL',
    'with text after it, everything. A byte order mark taints nothing: the rest of the file reads the same without',
    'it. The fixes of a finding on the line with the error itself (renaming a misspelt key) are not held back, so',
    'once they are applied the next round of `--fix` applies the rest.',
    '',
    '| id | fix | class | why |',
    '| --- | --- | --- | --- |',
  ];
  for (const row of FIX_CLASSES) {
    lines.push(`| \`${row.id}\` | ${cell(row.fix)} | ${row.kind} | ${cell(row.why)} |`);
  }
  lines.push('', 'Checks and rules not listed here offer no fix.');
  return lines.join('\n') + '\n';
}
