// The Pool Status view in a multi-root workspace: each folder's settings may list instances of their
// own; they are marked with the folder's name (shown in the tree), and a name two folders share is
// told apart. A folder's settings are workspace settings: ignored when the workspace is not trusted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instancesOfFolders } from '../../client/src/pools/settings';
import { instanceItem } from '../../client/src/pools/model/tree-items';
import { DEFAULT_THRESHOLDS } from '../../client/src/pools/model/health';

const workspace = { globalValue: [{ name: 'local', host: '127.0.0.1', user: 'admin' }] };
const folders = [
  {
    name: 'staging',
    inspected: {
      ...workspace,
      workspaceFolderValue: [{ name: 'edge', host: 'staging.example', user: 'ops' }],
    },
  },
  {
    name: 'production',
    inspected: {
      ...workspace,
      workspaceFolderValue: [
        { name: 'edge', host: 'prod.example', user: 'ops' },
        { host: 'no-user.example' },
      ],
    },
  },
  // a folder with no instances of its own: inspect() gives only the user's value
  { name: 'docs', inspected: workspace },
];

test('each folder adds its own instances, marked with its name; a shared name is told apart', () => {
  const result = instancesOfFolders(workspace, folders, true);
  assert.deepEqual(
    result.instances.map((instance) => [instance.name, instance.host, instance.folder]),
    [
      ['local', '127.0.0.1', undefined],
      ['edge', 'staging.example', 'staging'],
      ['edge (production)', 'prod.example', 'production'],
    ],
  );
  assert.deepEqual(result.problems, ['production: pgbouncer.instances[1] has no user; it is skipped.']);
});

test('untrusted: the folders’ instances are ignored and counted', () => {
  const result = instancesOfFolders(workspace, folders, false);
  assert.deepEqual(
    result.instances.map((instance) => instance.name),
    ['local'],
  );
  assert.equal(result.ignoredUntrusted, 3);
});

test('the tree names the folder of an instance', () => {
  const [, staging] = instancesOfFolders(workspace, folders, true).instances;
  const item = instanceItem(
    { instance: staging, connection: { status: 'connecting', failures: 0 } },
    DEFAULT_THRESHOLDS,
    Date.now(),
  );
  assert.equal(item.label, 'edge');
  assert.match(item.description ?? '', /^staging · staging\.example:6432 · connecting$/);
});
