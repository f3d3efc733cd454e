// Numbers as C reads them (issue #13): glibc's strtod, strtol, strtoul and atoi as PgBouncer calls
// them, the microsecond store of times, and what the checks, the rules and the pool model make of
// the results. The numbers were measured with a C program on x86-64 glibc and with PgBouncer's
// SHOW CONFIG / SHOW DATABASES (1.18 and 1.21); test/oracle/startup/numbers.ts has the start-up verdicts.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveTargetVersion } from '../../server/src/catalog/catalog';
import { readAtoi, readCTime, readCUint } from '../../server/src/catalog/values';
import { byteLengthOf } from '../../server/src/files/text-bytes';
import { encodeText } from '../../server/src/files/text-codec';
import { loadConfig } from '../../server/src/model/config';
import { effectiveConfig } from '../../server/src/model/effective';
import { buildPoolModel, poolConfigOf } from '../../server/src/model/pools';
import { memoryFileSystem } from '../support/memory-fs';
import { one, only, virtualLint } from '../support/rule-lint';

const DIR = path.resolve('/virtual/numbers');
const lint = virtualLint(DIR);
const HEAD = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';

test('atoi is (int)strtol: clamped to 64 bits, then cut to 32', () => {
  const atoi = (text: string) => readAtoi(text).value;
  assert.equal(atoi('18446744073709551616'), -1);
  assert.equal(atoi('99999999999999999999'), -1);
  assert.equal(atoi('9223372036854775807'), -1);
  assert.equal(atoi('-99999999999999999999'), 0);
  assert.equal(atoi('4294967296'), 0);
  assert.equal(atoi('4294967297'), 1);
  assert.equal(atoi('2147483648'), -2147483648);
  assert.equal(atoi('4294967295'), -1);
  assert.equal(atoi('99999999999999999999abc'), -1);
  assert.ok(readAtoi('18446744073709551616').overflow);
  assert.ok(!readAtoi('0000000000005').overflow);
  assert.ok(!readAtoi('2147483647').overflow);
});

test('strtoul clamps a magnitude beyond 64 bits, then the unsigned int keeps 32', () => {
  const stored = (text: string) => {
    const reading = readCUint(text);
    return reading.ok ? reading.stored : null;
  };
  assert.equal(stored('-5'), 4294967291);
  assert.equal(stored('99999999999999999999'), 4294967295);
  assert.equal(stored('-99999999999999999999'), 4294967295);
  assert.equal(stored('-18446744073709551615'), 1);
  assert.equal(stored('0x100000000'), 0);
});

test('strtod: ERANGE on overflow and on inexact tiny results, decimal or hex', () => {
  const refused = (text: string) => {
    const reading = readCTime(text);
    return !reading.ok && reading.reason === 'range';
  };
  for (const text of [
    '0x1p2000',
    '0x1p-2000',
    '1e400',
    '1e-400',
    '1e-310',
    '4e-324',
    '0x1p-1075',
    '0x3p-1075',
  ])
    assert.ok(refused(text), text);
  assert.ok(refused('0x1.fffffffffffffffffp1023'), 'rounds up to infinity');
  for (const text of ['0x1p-1074', '0x1p-1022', '0x1.fffffffffffffp1023', '1e308', '0e-400', '0x.8p-1073'])
    assert.ok(readCTime(text).ok, text);
  const reading = readCTime('0x1.8p1');
  assert.ok(reading.ok && reading.seconds === 3);
});

test('times keep what (usec_t)(1000000 * seconds) holds', () => {
  const kept = (text: string) => {
    const reading = readCTime(text);
    assert.ok(reading.ok, text);
    return { stored: reading.stored, tooLarge: reading.tooLarge };
  };
  assert.deepEqual(kept('1e20'), { stored: 0, tooLarge: true });
  assert.deepEqual(kept('1.9e13'), { stored: 0, tooLarge: true });
  assert.deepEqual(kept('inf'), { stored: 0, tooLarge: true });
  assert.deepEqual(kept('1e13'), { stored: 1e13, tooLarge: false });
  assert.deepEqual(kept('nan'), { stored: 2 ** 63 / 1e6, tooLarge: false });
  assert.deepEqual(kept('1e-7'), { stored: 0, tooLarge: false });
  assert.deepEqual(kept('0.0000015'), { stored: 0.000001, tooLarge: false });
  assert.deepEqual(kept('4.35'), { stored: 4.35, tooLarge: false });
  assert.deepEqual(kept('3600'), { stored: 3600, tooLarge: false });
});

test('a time too large for the microsecond store is a warning that says what 0 means', () => {
  const finding = one(lint(`${HEAD}server_lifetime = 1e20\n`), 'value-out-of-range');
  assert.equal(finding.severity, 'warning');
  assert.match(
    finding.message,
    /stores 0 for server_lifetime, and 0 means: each server connection is used once/,
  );
  const inf = one(lint(`${HEAD}server_idle_timeout = inf\n`), 'value-out-of-range');
  assert.match(inf.message, /stores 0, and 0 means: idle server connections are never closed/);
  assert.equal(one(lint(`${HEAD}client_idle_timeout = 0x1p2000\n`), 'invalid-value').severity, 'error');
});

test('the range rules judge the stored time: server_lifetime = 1e20 means single use, not "more than a day"', () => {
  const finding = one(lint(`${HEAD}server_lifetime = 1e20\n`), 'server-lifetime-range');
  assert.match(finding.message, /^server_lifetime = 1e20 is stored as 0 \(too large/);
  assert.match(finding.message, /closed after a single use/);
  assert.doesNotMatch(finding.message, /more than a day/);
  assert.match(
    one(lint(`${HEAD}server_lifetime = 1e13\n`), 'server-lifetime-range').message,
    /more than a day/,
  );
  assert.match(
    one(lint(`${HEAD}client_idle_timeout = 1e20\n`), 'client-idle-timeout-disabled').message,
    /^client_idle_timeout = 1e20 is stored as 0/,
  );
  assert.match(
    one(lint(`${HEAD}query_wait_timeout = 1e-7\n`), 'query-wait-timeout-disabled').message,
    /^query_wait_timeout = 1e-7 is stored as 0 \(below a microsecond\)/,
  );
  assert.equal(only(lint(`${HEAD}query_timeout = 1e20\n`), 'query-timeout').length, 1);
  assert.match(one(lint(`${HEAD}query_timeout = 1e20\n`), 'query-timeout').message, /never gives up/);
});

test('connection-string integers that overflow are reported with what atoi makes of them', () => {
  const findings = lint(
    `[databases]\na = host=h port=18446744073709551616 pool_size=99999999999999999999 reserve_pool=-99999999999999999999\n${HEAD}`,
  );
  const messages = only(findings, 'integer-overflow').map((f) => f.message);
  assert.deepEqual(messages, [
    'port=18446744073709551616 does not fit in a C int: PgBouncer reads it as -1, which is not a port in 1..65535.',
    'pool_size=99999999999999999999 does not fit in a C int: PgBouncer reads it as -1, which means not set: uses default_pool_size.',
    'reserve_pool=-99999999999999999999 does not fit in a C int: PgBouncer reads it as 0, and 0 means: no reserve connections for this database.',
  ]);
  assert.ok(!findings.some((f) => f.severity === 'error'), 'PgBouncer starts');
  // 2^32 is atoi 0: PgBouncer refuses the port.
  assert.equal(
    one(lint(`[databases]\na = host=h port=4294967296\n${HEAD}`), 'invalid-port').severity,
    'error',
  );
  assert.equal(
    one(lint(`[databases]\na = host=h port=-18446744073709551616\n${HEAD}`), 'invalid-port').severity,
    'error',
  );
});

test('the pool model reads connection-string integers as atoi does and times as stored', () => {
  const built = (text: string) => {
    const version = resolveTargetVersion('1.18');
    assert.ok(version);
    const loaded = loadConfig(text, {
      filePath: path.join(DIR, 'pgbouncer.ini'),
      runDirectory: DIR,
      fileSystem: memoryFileSystem({}, [DIR]),
    });
    const model = buildPoolModel(poolConfigOf(effectiveConfig(loaded, version)));
    assert.ok(model);
    return model;
  };
  const model = built(
    `[databases]\na = host=h pool_size=99999999999999999999 min_pool_size=4294967297\nb = host=h pool_size=4294967301\n${HEAD}default_pool_size = 20\n`,
  );
  const a = model.pools.find((p) => p.database.name === 'a');
  const b = model.pools.find((p) => p.database.name === 'b');
  assert.equal(a?.size.value, 20, 'pool_size -1 is the default pool size');
  assert.equal(a?.min.value, 1);
  assert.equal(b?.size.value, 5);
  assert.equal(built(`${HEAD}reserve_pool_timeout = 1e20\n`).reserveEnabled, false, '1e20 is stored as 0');
  assert.equal(built(`${HEAD}reserve_pool_timeout = 1e13\n`).reserveEnabled, true);
});

test('name lengths count the file bytes: a Latin-1 byte kept as a lone surrogate is one', () => {
  assert.equal(byteLengthOf('\udce9'.repeat(63)), 63);
  assert.equal(byteLengthOf('é'), 2);
  assert.equal(byteLengthOf('€'), 3);
  assert.equal(byteLengthOf('😀'), 4);
  assert.equal(byteLengthOf('\ud800'), 3, 'a lone high surrogate is written as U+FFFD');
  // The same count encodeText writes, on every mix.
  const pieces = ['a', 'é', '€', '😀', '\udce9', '\udc80', '\ud83d', '\ude00', '\udbff'];
  let seed = 7;
  for (let round = 0; round < 500; round++) {
    let text = '';
    for (let i = 0; i < 12; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      text += pieces[seed % pieces.length];
    }
    assert.equal(byteLengthOf(text), encodeText(text).length, JSON.stringify(text));
  }
  const latin1 = (n: number) => '\udce9'.repeat(n);
  const names = (a: string, b: string) =>
    lint(`[databases]\nx = host=h auth_user=${a}\ny = host=h auth_user=${b}\n${HEAD}`);
  assert.equal(only(names(latin1(43), `${latin1(43)}x`), 'name-too-long').length, 0);
  assert.equal(only(names(latin1(127), `${latin1(127)}x`), 'name-too-long').length, 1);
  const db = (n: number) => lint(`[databases]\n'${latin1(n)}' = host=h\n${HEAD}`, { targetVersion: '1.25' });
  assert.equal(only(db(63), 'name-too-long').length, 0);
  assert.match(one(db(64), 'name-too-long').message, /is 64 bytes long/);
});
