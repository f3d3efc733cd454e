// The audited configuration (examples/pgbouncer.ini, rebuilt from
// ../shared/reference/pgbouncer-audit-report.md): every finding of the report that a config
// file can show is caught, on the line the report is about. The version that follows the
// recommendations (examples/pgbouncer-secure.ini) gets no warning at all.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

function lint(name: string) {
  const filePath = path.join(EXAMPLES, name);
  const text = fs.readFileSync(filePath, 'utf8');
  const result = lintText(text, { filePath, targetVersion: '1.21' });
  const lines = text.split('\n');
  const lineOf = (start: string): number => {
    const index = lines.findIndex((line) => line.startsWith(start));
    assert.ok(index >= 0, `no line starting with ${start} in ${name}`);
    return index + 1;
  };
  const found = result.findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    line: result.model.root.parsed.lineIndex.positionAt(f.span.start).line + 1,
  }));
  return { found, lineOf };
}

// The report's findings (section 8, "Issues Found", and the per-section notes) and where they belong.
const REPORT_FINDINGS: [string, string, string][] = [
  ['High #1: client_idle_timeout = 0', 'client-idle-timeout-disabled', 'client_idle_timeout = 0'],
  ['High #2: client TLS in prefer mode', 'client-tls-not-required', 'client_tls_sslmode = prefer'],
  ['High #2: server TLS in prefer mode', 'server-tls-not-verified', 'server_tls_sslmode = prefer'],
  [
    'Medium #3: 100 connections for 39+ services (what max_db_connections really limits)',
    'max-db-connections-scope',
    'max_db_connections = 100',
  ],
  ['Medium #4: no syslog integration', 'syslog-disabled', '[pgbouncer]'],
  ['Low #7: no per-database pool size', 'shared-default-pool-size', '[databases]'],
  ['2.4 / 7.2: MD5 auth_type', 'auth-type-md5', 'auth_type = md5'],
  ['2.5: certificates not verified to exist', 'file-not-found', 'client_tls_cert_file ='],
  ['2.5: certificates not verified to exist', 'file-not-found', 'client_tls_key_file ='],
  [
    '7.1: network exposure relies on the Docker port mapping',
    'listen-all-interfaces-without-tls',
    'listen_addr = 0.0.0.0',
  ],
];

for (const [finding, code, lineStart] of REPORT_FINDINGS) {
  test(`the audited configuration: ${finding} -> ${code}`, () => {
    const { found, lineOf } = lint('pgbouncer.ini');
    const line = lineOf(lineStart);
    assert.ok(
      found.some((f) => f.code === code && f.line === line),
      `${code} not reported on line ${line} (${lineStart}); found: ${JSON.stringify(found)}`,
    );
  });
}

test('the audited configuration starts on PgBouncer 1.21: no error', () => {
  assert.deepEqual(
    lint('pgbouncer.ini').found.filter((f) => f.severity === 'error'),
    [],
  );
});

test('the configuration that follows every recommendation gets no warning', () => {
  assert.deepEqual(
    // 1.21 itself has known vulnerabilities: no setting avoids those (test/unit/advisories.test.ts).
    lint('pgbouncer-secure.ini').found.filter(
      (f) => (f.severity === 'warning' || f.severity === 'error') && f.code !== 'known-vulnerability',
    ),
    [],
  );
});
