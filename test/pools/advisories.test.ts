// The pool view's advisories against a real PgBouncer: the release the instance reports through
// SHOW VERSION (Debian's 1.18.0 here) gets the advisories that affect 1.18, under "Advisories".
//
//   node --import tsx --test test/pools/advisories.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_THRESHOLDS } from '../../client/src/pools/model/health';
import { instanceItem } from '../../client/src/pools/model/tree-items';
import { PoolMonitor } from '../../client/src/pools/monitor';
import { advisoriesForVersion } from '../../server/src/api';
import { instanceFor, stackUnavailable, startStack } from '../support/stack';
import type { Stack } from '../support/stack';

const skip = stackUnavailable();

describe('advisories of a live instance', { skip }, () => {
  let stack: Stack;
  let monitor: PoolMonitor;

  before(async () => {
    stack = await startStack();
    monitor = new PoolMonitor({
      password: () => () => stack.users.admin.password,
      intervalMs: 60_000,
      client: { timeoutMs: 3000, initialBackoffMs: 50, maxBackoffMs: 200 },
    });
    monitor.setInstances([instanceFor(stack.pgbouncer, stack.users.admin)]);
  });

  after(async () => {
    await monitor?.dispose();
    await stack?.stop();
  });

  test('the 1.18 instance lists the advisories that affect 1.18, each with its fix and link', async () => {
    await monitor.refresh();
    const state = monitor.states()[0];
    assert.equal(state.error, undefined, state.error?.message);
    const version = state.snapshot!.version;
    assert.match(version, /^PgBouncer 1\.18\.\d+/, 'the stack runs Debian 1.18');
    const item = instanceItem(state, DEFAULT_THRESHOLDS, Date.now());
    const group = item.children?.find((child) => child.label === 'Advisories');
    assert.ok(group, `no Advisories group: ${item.children?.map((child) => child.label).join(', ')}`);
    const ids = group.children?.map((child) => child.label) ?? [];
    assert.deepEqual(ids, ['CVE-2026-6664', 'CVE-2026-6665', 'CVE-2025-2291']);
    assert.deepEqual(
      ids,
      advisoriesForVersion(version).map((advisory) => advisory.id),
    );
    assert.match(group.description ?? '', /^3 known vulnerabilities · fixed in 1\.25\.2$/);
    const expired = group.children?.find((child) => child.label === 'CVE-2025-2291');
    assert.match(expired?.description ?? '', /fixed in 1\.24\.1 · depends on the configuration/);
    assert.match(expired?.tooltip ?? '', /Only where: auth\\_user is set/);
    assert.match(expired?.tooltip ?? '', /\(https:\/\/www\.pgbouncer\.org\/changelog\.html#pgbouncer-124x\)/);
    assert.equal(expired?.health, 'warning');
  });
});
