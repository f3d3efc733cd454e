// pgbouncer-lint DIR: the deployment found in a folder, in text, JSON and SARIF, with paths relative
// to the current directory; the same findings as the deployment fixtures expect.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli-run';
import { loadDeploymentFixtures } from '../support/deployment-fixtures';

interface JsonDiagnostic {
  file: string;
  line: number;
  severity: string;
  code: string;
  message: string;
}

for (const fixture of loadDeploymentFixtures()) {
  test(`pgbouncer-lint on the folder of ${fixture.name} reports what the fixture expects`, () => {
    const args = [
      '--format',
      'json',
      ...(fixture.targetVersion ? ['--target-version', fixture.targetVersion] : []),
      '.',
    ];
    const run = runCli(args, { cwd: fixture.dir });
    assert.equal(run.stderr, '');
    const errors = fixture.expected.some((finding) => finding.severity === 'error');
    assert.equal(run.status, errors ? 1 : 0);
    const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] };
    const shown = diagnostics.map(({ file, line, severity, code, message }) => ({
      file,
      line,
      severity,
      code,
      message,
    }));
    const key = (one: JsonDiagnostic) => [one.file, one.line, one.code, one.message].join('\0');
    assert.deepEqual(shown.map(key).sort(), fixture.expected.map(key).sort());
  });
}

test('the folder given from elsewhere: paths relative to the current directory, SARIF with deployment rules', () => {
  const fixture = loadDeploymentFixtures().find((one) => one.name === 'compose-edoburu');
  assert.ok(fixture);
  const cwd = path.dirname(fixture.dir);
  const text = runCli(['--no-color', 'compose-edoburu'], { cwd });
  assert.match(
    text.stdout,
    /^compose-edoburu\/docker-compose\.yml:49:\d+: warning deployment-bypasses-pooler: .*bypassing PgBouncer 'pgbouncer'/m,
  );
  const sarif = runCli(['--format', 'sarif', 'compose-edoburu'], { cwd });
  const log = JSON.parse(sarif.stdout) as {
    runs: {
      tool: { driver: { rules: { id: string }[] } };
      results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    }[];
  };
  const run = log.runs[0];
  assert.ok(run);
  assert.ok(run.tool.driver.rules.some((rule) => rule.id === 'deployment-bypasses-pooler'));
  const bypass = run.results.find((result) => result.ruleId === 'deployment-bypasses-pooler');
  assert.equal(
    bypass?.locations[0]?.physicalLocation.artifactLocation.uri,
    'compose-edoburu/docker-compose.yml',
  );
  assert.ok(!sarif.stdout.includes('change-me'), 'no password in SARIF');
});

test('a folder without a PgBouncer: nothing is reported, exit 0', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-pooler-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      'services:\n  api:\n    image: node:20\n    environment:\n      DATABASE_URL: postgres://u:p@db:5432/app\n',
    );
    const run = runCli(['--format', 'json', dir]);
    assert.equal(run.status, 0);
    assert.deepEqual((JSON.parse(run.stdout) as { diagnostics: unknown[] }).diagnostics, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
