import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { KNOWN_IDS, lintText } from '../../server/src/analysis/engine';
import { checkRc } from '../../server/src/analysis/lint-config';
import { rcSchema } from '../../server/src/analysis/rc-schema';
import { rulesMarkdown } from '../../server/src/analysis/rules-doc';
import { deploymentRulesMarkdown } from '../../server/src/deployment/descriptions';

const ROOT = path.resolve(__dirname, '..', '..');
const SCHEMA_FILE = path.join(ROOT, 'schemas', 'pgbouncerlintrc.schema.json');

test('schemas/pgbouncerlintrc.schema.json is up to date with the rules (npx tsx scripts/write-rc-schema.ts)', () => {
  assert.deepEqual(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')), JSON.parse(JSON.stringify(rcSchema())));
});

test('package.json offers the schema for .pgbouncerlintrc.json files', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { jsonValidation: { fileMatch: string | string[]; url: string }[] };
  };
  assert.ok(
    manifest.contributes.jsonValidation.some(
      (v) =>
        [v.fileMatch].flat().includes('.pgbouncerlintrc.json') &&
        v.url === './schemas/pgbouncerlintrc.schema.json',
    ),
  );
});

test('the JSON Schema and the reader agree on what a project file may hold', () => {
  const validate = new Ajv({ allErrors: true }).compile(rcSchema());
  const good = {
    profile: 'development',
    targetVersion: '1.18',
    rules: { '*': 'off', 'syslog-disabled': 'warning' },
  };
  assert.ok(validate(good), JSON.stringify(validate.errors));
  assert.deepEqual(checkRc(good, KNOWN_IDS).problems, []);
  for (const bad of [
    { profile: 'strict' },
    { rules: { 'no-such-rule': 'off' } },
    { rules: { 'syslog-disabled': 'loud' } },
    { bogus: 1 },
  ]) {
    assert.equal(validate(bad), false, JSON.stringify(bad));
    assert.ok(checkRc(bad, KNOWN_IDS).problems.length > 0, JSON.stringify(bad));
  }
});

test('the nearest project file applies: its profile, target version and rule severities', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-rc-'));
  try {
    fs.mkdirSync(path.join(dir, 'deploy'));
    const file = path.join(dir, 'deploy', 'pgbouncer.ini');
    const text =
      '[pgbouncer]\nlisten_addr = 127.0.0.1\nmax_prepared_statements = 10\nclient_idle_timeout = 0\n';
    fs.writeFileSync(
      path.join(dir, '.pgbouncerlintrc.json'),
      JSON.stringify({
        targetVersion: '1.18',
        rules: { '*': 'off', 'client-idle-timeout-disabled': 'hint' },
      }),
    );
    const codes = lintText(text, { filePath: file }).findings.map((f) => [f.code, f.severity]);
    assert.deepEqual(codes, [
      ['newer-than-target', 'error'],
      ['client-idle-timeout-disabled', 'hint'],
    ]);
    // An explicit target version (the CLI flag) wins over the project file.
    const explicit = lintText(text, { filePath: file, targetVersion: '1.25' }).findings.map((f) => f.code);
    assert.deepEqual(explicit, ['client-idle-timeout-disabled']);
    fs.writeFileSync(path.join(dir, '.pgbouncerlintrc.json'), '{ "rules": { "nope": "off" } ');
    const broken = lintText(text, { filePath: file }).findings.filter(
      (f) => f.code === 'invalid-lint-config',
    );
    assert.equal(broken.length, 1);
    assert.match(broken[0].message, /not valid JSON/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/rules.md is up to date with the checks and rules (npx tsx scripts/write-docs.ts)', async () => {
  const prettier = await import('prettier');
  const expected = await prettier.format(rulesMarkdown() + deploymentRulesMarkdown(), {
    parser: 'markdown',
    ...(await prettier.resolveConfig(ROOT)),
  });
  assert.equal(fs.readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8'), expected);
});
