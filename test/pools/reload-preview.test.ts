// The reload-safety preview against a real PgBouncer: it compares a pgbouncer.ini (parsed by the
// project's engine) with SHOW CONFIG / SHOW DATABASES, and what it predicts is checked by running the
// RELOAD for real: the changes it lists happen, the restart-only ones do not, and for a file with an
// error the partial outcome it warns about is exactly what PgBouncer does.
//
//   node --import tsx --test test/pools/reload-preview.test.ts

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdminClient } from '../../client/src/pools/admin-client';
import type { Snapshot } from '../../client/src/pools/model/snapshot';
import { normalizeSettingValue } from '../../server/src/client-support/setting-values';
import { reloadPreview, reloadPreviewMarkdown } from '../../client/src/pools/model/reload-preview';
import type { ReloadPreview } from '../../client/src/pools/model/reload-preview';
import { readRunningConfig } from '../../client/src/pools/monitor';

type Running = Pick<Snapshot, 'version' | 'config' | 'databases'>;
import { instanceFor, stackUnavailable, startStack } from '../support/stack';
import type { Stack } from '../support/stack';

const skip = stackUnavailable({ postgres: false });

describe('reload-safety preview on a real SHOW CONFIG', { skip }, () => {
  let stack: Stack;
  let client: AdminClient;

  const running = (): Promise<Running> => readRunningConfig(client);

  const preview = async (text: string, filePath = stack.pgbouncer.configPath): Promise<ReloadPreview> => {
    const snapshot = await running();
    return reloadPreview({
      instance: 'primary',
      text,
      filePath,
      config: snapshot.config,
      databases: snapshot.databases,
      version: snapshot.version,
    });
  };

  const configValue = (snapshot: Running, key: string): string =>
    snapshot.config.find((row) => row.key === key)?.value ?? '<missing>';

  /** Writes the text where PgBouncer reads its config, and RELOADs. */
  const reloadWith = async (text: string): Promise<void> => {
    stack.pgbouncer.writeConfig(text);
    await client.command('RELOAD');
  };

  before(async () => {
    stack = await startStack({ postgres: false });
    client = new AdminClient(
      instanceFor(stack.pgbouncer, stack.users.admin),
      () => stack.users.admin.password,
    );
  });

  after(async () => {
    await client?.close();
    await stack?.stop();
  });

  test('the file PgBouncer runs with: nothing to change, RELOAD allowed', async () => {
    const result = await preview(stack.pgbouncer.baseConfig);
    assert.deepEqual(result.changes, []);
    assert.deepEqual(result.needRestart, []);
    assert.deepEqual(result.databases, []);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.partial, null);
    assert.equal(result.reloadAllowed, true);
    assert.equal(result.conffile, stack.pgbouncer.configPath);
    assert.match(result.version, /^PgBouncer 1\.18/);
  });

  test('changed settings and databases: the preview lists what the RELOAD then does', async () => {
    const base = stack.pgbouncer.baseConfig;
    const text = base
      .replace('default_pool_size = 2', 'default_pool_size = 7')
      .replace('max_client_conn = 200\n', '') // back to the default
      .replace('pool_mode = transaction', 'pool_mode = TRANSACTION') // enums are case-insensitive: no change
      .replace(/listen_port = (\d+)/, (_m, port: string) => `listen_port = ${Number(port) + 1}`) // restart only
      .replace('[pgbouncer]\n', '[pgbouncer]\nserver_idle_timeout = 0x3c\nunix_socket_mode = 0700\n')
      .replace(/^postgres = .*\n/m, '')
      .replace(/^(appdb = .*)$/m, '$1 pool_size=4')
      .replace('[databases]\n', '[databases]\nnewdb = host=127.0.0.1 port=5999 dbname=other\n');
    const result = await preview(text);
    assert.deepEqual(result.errors, []);
    assert.equal(result.reloadAllowed, true);
    const byKey = (list: ReloadPreview['changes']) =>
      Object.fromEntries(
        list.map((c) => [c.key, { running: c.running, file: c.file, fromDefault: c.fromDefault }]),
      );
    assert.deepEqual(byKey(result.changes), {
      default_pool_size: { running: '2', file: '7', fromDefault: false },
      max_client_conn: { running: '200', file: '100', fromDefault: true },
      server_idle_timeout: { running: '600', file: '0x3c', fromDefault: false },
    });
    assert.deepEqual(Object.keys(byKey(result.needRestart)).sort(), ['listen_port', 'unix_socket_mode']);
    assert.match(
      result.warnings.join('\n'),
      /2 changed settings \(listen_port, unix_socket_mode\) need a restart/,
    );
    const databases = Object.fromEntries(result.databases.map((db) => [db.name, db]));
    assert.equal(databases.newdb.change, 'added');
    assert.equal(databases.postgres.change, 'removed');
    assert.equal(databases.appdb.change, 'changed');
    // appdb: its own pool_size=4 wins over the new default_pool_size
    assert.deepEqual(databases.appdb.details, ['pool_size: 2 → 4']);
    const markdown = reloadPreviewMarkdown(result);
    assert.match(markdown, /## What a RELOAD changes/);
    assert.match(markdown, /`default_pool_size` \(line \d+\): `2` → `7`/);
    assert.match(markdown, /`max_client_conn`: `200` → `100` \(not in the file: back to the default\)/);
    assert.match(markdown, /## Changed, but only a restart applies them \(changeable = no\)/);

    const before = await running();
    await reloadWith(text);
    const afterReload = await running();
    for (const change of result.changes) {
      assert.equal(
        normalizeSettingValue(change.key, configValue(afterReload, change.key)),
        normalizeSettingValue(change.key, change.file),
        `${change.key} after RELOAD`,
      );
    }
    for (const change of result.needRestart) {
      assert.equal(
        configValue(afterReload, change.key),
        configValue(before, change.key),
        `${change.key} kept`,
      );
    }
    const names = afterReload.databases.map((db) => db.name);
    assert.ok(names.includes('newdb'));
    assert.ok(!names.includes('postgres'));
    assert.equal(afterReload.databases.find((db) => db.name === 'appdb')?.poolSize, 4);
    assert.equal(afterReload.databases.find((db) => db.name === 'newdb')?.poolSize, 7);

    // Now only the restart-only changes are left.
    const again = await preview(text);
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.databases, []);
    assert.deepEqual(
      again.needRestart.map((c) => c.key),
      result.needRestart.map((c) => c.key),
    );
    await reloadWith(base);
    assert.deepEqual((await preview(base)).changes, []);
  });

  test('a file with an error: warned, RELOAD not offered, and the partial outcome is what PgBouncer does', async () => {
    const base = stack.pgbouncer.baseConfig;
    // The bad line comes after the console's own settings (so we keep our admin access) and before
    // default_pool_size = 2 and max_client_conn = 200.
    const text = base
      .replace('pool_mode = transaction\n', 'pool_mode = transaction\nmax_client_conn = many\n')
      .replace('default_pool_size = 2', 'default_pool_size = 2\nserver_lifetime = 1800');
    const result = await preview(text);
    assert.equal(result.reloadAllowed, false);
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0].message, /max_client_conn/);
    assert.match(
      result.warnings[0],
      /applied only partly: PgBouncer applies the lines before the bad one and resets every later setting to its default, yet answers RELOAD/,
    );
    assert.ok(result.partial);
    const badLine = text.split('\n').indexOf('max_client_conn = many') + 1;
    assert.equal(result.partial.stopsAt.line, badLine);
    const predicted = Object.fromEntries(result.partial.settings.map((s) => [s.key, s.file]));
    assert.deepEqual(predicted, { default_pool_size: '20', max_client_conn: '100', server_lifetime: '3600' });
    assert.match(reloadPreviewMarkdown(result), /## If you RELOAD anyway/);

    // PgBouncer answers this RELOAD without an error, and ends exactly as predicted.
    await reloadWith(text);
    const afterReload = await running();
    for (const [key, value] of Object.entries(predicted)) {
      assert.equal(configValue(afterReload, key), value, `${key} after the partial RELOAD`);
    }
    assert.equal(configValue(afterReload, 'pool_mode'), 'transaction', 'lines before the error are applied');
    await reloadWith(base);
    assert.equal(configValue(await running(), 'default_pool_size'), '2');
  });

  test('an open file that is not the one PgBouncer reads: the warning names both', async () => {
    const elsewhere = path.join(stack.dir, 'elsewhere', 'pgbouncer.ini');
    const result = await preview(stack.pgbouncer.baseConfig, elsewhere);
    assert.equal(result.warnings.length, 1);
    assert.match(
      result.warnings[0],
      new RegExp(
        `PgBouncer reads ${stack.pgbouncer.configPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, not ${elsewhere.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    assert.equal(result.reloadAllowed, true);
  });

  test('a setting the running version does not know: listed, RELOAD not offered', async () => {
    const text = stack.pgbouncer.baseConfig.replace(
      '[pgbouncer]\n',
      '[pgbouncer]\nmax_prepared_statements = 100\n',
    );
    const result = await preview(text);
    assert.deepEqual(
      result.unknown.map((u) => u.key),
      ['max_prepared_statements'],
    );
    assert.equal(result.reloadAllowed, false);
    assert.match(result.warnings.join('\n'), /does not know max_prepared_statements/);
  });
});
