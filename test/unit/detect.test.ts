// The client's guess whether an .ini file is a PgBouncer configuration, and the files.associations
// entry "Always for this workspace" writes. Plain functions: no VS Code needed.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { associationPattern, looksLikePgBouncerConfig, withAssociation } from '../../client/src/detect';

const ROOT = path.resolve(__dirname, '..', '..');

test('a [pgbouncer] header is enough, wherever it is', () => {
  assert.equal(looksLikePgBouncerConfig('[pgbouncer]\n'), true);
  assert.equal(
    looksLikePgBouncerConfig('; settings\n[databases]\n\n[pgbouncer]\nlisten_port = 6432\n'),
    true,
  );
  for (const file of ['examples/pgbouncer.ini', 'examples/pgbouncer-secure.ini']) {
    assert.equal(looksLikePgBouncerConfig(fs.readFileSync(path.join(ROOT, file), 'utf8')), true, file);
  }
});

test('a [databases] entry that is a PgBouncer connection string', () => {
  assert.equal(looksLikePgBouncerConfig('[databases]\napp = host=db.internal dbname=app port=5432\n'), true);
  assert.equal(looksLikePgBouncerConfig("[databases]\n* = host=localhost password='x y'\n"), true);
  // Other programs have [databases] sections too.
  assert.equal(looksLikePgBouncerConfig('[databases]\nmain = /var/lib/app/main.db\n'), false);
  assert.equal(looksLikePgBouncerConfig('[databases]\nmain = engine=sqlite path=/tmp/x\n'), false);
});

test('an %include fragment: three known settings with an underscore, outside other sections', () => {
  assert.equal(
    looksLikePgBouncerConfig('max_client_conn = 500\ndefault_pool_size = 20\nserver_idle_timeout = 60\n'),
    true,
  );
  assert.equal(looksLikePgBouncerConfig('max_client_conn = 500\ndefault_pool_size = 20\n'), false);
  // Single-word names (user, logfile, pidfile, syslog) are too common to count.
  assert.equal(looksLikePgBouncerConfig('user = app\nlogfile = x.log\npidfile = x.pid\nsyslog = 1\n'), false);
  // Inside another program's section they are that program's settings.
  assert.equal(
    looksLikePgBouncerConfig('[server]\nmax_client_conn = 500\ndefault_pool_size = 20\nlisten_port = 1\n'),
    false,
  );
});

test('ordinary .ini files are not taken for PgBouncer configurations', () => {
  const samples = [
    '',
    '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n',
    '[PHP]\nengine = On\nmemory_limit = 128M\n[Session]\nsession.save_handler = files\n',
    '[mysqld]\nport = 3306\nmax_connections = 151\n',
    '[Unit]\nDescription=x\n[Service]\nUser=app\n',
    '\0binary\x01junk\n[',
  ];
  for (const sample of samples) assert.equal(looksLikePgBouncerConfig(sample), false, JSON.stringify(sample));
});

test('only the start of a large file is read', () => {
  const large = '; filler\n'.repeat(20_000) + '[pgbouncer]\n';
  assert.equal(looksLikePgBouncerConfig(large), false);
  assert.equal(looksLikePgBouncerConfig('[pgbouncer]\n' + '; filler\n'.repeat(20_000)), true);
});

test('"Always for this workspace" maps the file name, keeping other associations', () => {
  assert.equal(associationPattern('/etc/pgbouncer/main.ini'), 'main.ini');
  assert.equal(associationPattern('C:\\pgbouncer\\main.ini'), 'main.ini');
  assert.equal(associationPattern('/srv/odd[1]{a,b}*.ini'), 'odd?1??a?b??.ini');
  assert.deepEqual(withAssociation({ '*.conf': 'ini' }, '/etc/pgbouncer/main.ini', 'pgbouncer-ini'), {
    '*.conf': 'ini',
    'main.ini': 'pgbouncer-ini',
  });
  assert.deepEqual(withAssociation(undefined, '/x/a.ini', 'pgbouncer-ini'), { 'a.ini': 'pgbouncer-ini' });
});
