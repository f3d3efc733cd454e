// On the web, the files a configuration names that the editor's file system cannot reach are said
// once, with each one as related information, instead of one warning per file.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { diagnosticsOf, unreadFilesSaidOnce } from '../../server/src/features/diagnostics';
import { memoryFileSystem } from '../support/memory-fs';

const TEXT =
  '[pgbouncer]\nlisten_port = 6432\nauth_file = /etc/pgbouncer/userlist.txt\nauth_hba_file = /etc/pgbouncer/hba.conf\n' +
  'auth_type = hba\nclient_tls_ca_file = /etc/ssl/ca.pem\n';

test('three files out of reach: one information with the three as related information, nothing else lost', () => {
  const uri = 'vscode-vfs://github/org/repo/pgbouncer.ini';
  const result = lintText(TEXT, { filePath: '/org/repo/pgbouncer.ini', fileSystem: memoryFileSystem({}) });
  const each = diagnosticsOf(result);
  const unread = each.filter((d) => d.code === 'file-not-found');
  assert.ok(unread.length >= 3, `the desktop says each: ${unread.length}`);
  const once = unreadFilesSaidOnce(each, uri);
  const summary = once.filter((d) => d.code === 'files-not-reachable');
  assert.equal(summary.length, 1);
  assert.match(String(summary[0]?.message), new RegExp(`^${unread.length} files this configuration names`));
  assert.equal(summary[0]?.relatedInformation?.length, unread.length);
  assert.equal(once.filter((d) => d.code === 'file-not-found').length, 0);
  assert.equal(once.length, each.length - unread.length + 1, 'every other diagnostic is kept');
});

test('one file out of reach stays as it is', () => {
  const result = lintText('[pgbouncer]\nlisten_port = 6432\nauth_file = /etc/u.txt\n', {
    filePath: '/r/pgbouncer.ini',
    fileSystem: memoryFileSystem({}),
  });
  const each = diagnosticsOf(result);
  assert.deepEqual(unreadFilesSaidOnce(each, 'vscode-vfs://x/r/pgbouncer.ini'), each);
});
