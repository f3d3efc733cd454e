// The ids the layers below the deployment audit accept (findings/deployment-codes.ts) are exactly
// the deployment rules' ids and the codes its readers report; each has a description.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  DEPLOYMENT_IDS,
  DEPLOYMENT_PROBLEMS,
  DEPLOYMENT_RULE_IDS,
} from '../../server/src/findings/deployment-codes';
import { DEPLOYMENT_RULES } from '../../server/src/deployment/rules';
import { DEPLOYMENT_DESCRIPTIONS } from '../../server/src/deployment/descriptions';
import { KNOWN_IDS } from '../../server/src/analysis/options';

const DEPLOYMENT_SOURCES = path.resolve(__dirname, '..', '..', 'server', 'src', 'deployment');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

test('the deployment rule ids known below the deployment layer are the rules’ own', () => {
  assert.deepEqual([...DEPLOYMENT_RULE_IDS].sort(), DEPLOYMENT_RULES.map((rule) => rule.id).sort());
});

test('every code a deployment reader reports is known and described', () => {
  const described = new Set(DEPLOYMENT_PROBLEMS.map((problem) => problem.id));
  const reported = new Set<string>();
  // Codes are kebab-case literals with a reader's prefix; these words of the same shape are kinds and origins.
  const notCodes = new Set([
    'compose-override',
    'compose-service',
    'env-file',
    'kubernetes-env',
    'rails-database',
    'spring-properties',
    'spring-yaml',
    'pgbouncer-ini',
    'file-not-found',
  ]);
  for (const file of sourceFiles(DEPLOYMENT_SOURCES)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(
      /'((?:cnpg|zalando|compose|kubernetes|yaml|prisma|env-file|image|file)-[a-z0-9-]+)'/g,
    )) {
      if (match[1] && !notCodes.has(match[1])) reported.add(match[1]);
    }
  }
  assert.ok(reported.size >= 5, `found the readers' codes (${[...reported].join(', ')})`);
  for (const code of reported)
    assert.ok(described.has(code), `${code} is described in findings/deployment-codes.ts`);
  for (const id of DEPLOYMENT_IDS) {
    assert.ok(KNOWN_IDS.has(id), `${id} is accepted by .pgbouncerlintrc.json and suppressions`);
    assert.ok(
      DEPLOYMENT_DESCRIPTIONS.some((d) => d.id === id),
      `${id} has a description`,
    );
  }
});
