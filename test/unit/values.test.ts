import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  readAtoi,
  readCInt,
  readCTime,
  readCUint,
  readStrtonum,
  describeSeconds,
} from '../../server/src/catalog/values';

const int = (text: string): number | null => {
  const reading = readCInt(text);
  return reading.ok ? reading.stored : null;
};

test('integers follow strtol with base 0', () => {
  assert.equal(int('10'), 10);
  assert.equal(int('010'), 8);
  assert.equal(int('0x10'), 16);
  assert.equal(int('+5'), 5);
  assert.equal(int('-5'), -5);
  assert.equal(int('08'), null);
  assert.equal(int('0x'), null);
  assert.equal(int(''), null);
  assert.equal(int('10 ; x'), null);
  assert.equal(int('1 0'), null);
  assert.equal(int('abc'), null);
});

test('integers too large for a C int are truncated as PgBouncer stores them', () => {
  assert.equal(int('4294967297'), 1);
  assert.equal(int('2147483648'), -2147483648);
  const reading = readCInt('4294967297');
  assert.ok(reading.ok && reading.overflow);
});

test('unsigned integers accept a minus sign and wrap', () => {
  const reading = readCUint('-1');
  assert.ok(reading.ok);
  assert.equal(reading.ok && reading.stored, 4294967295);
});

test('times follow strtod: fractions, exponents, hex, inf and nan, no units or negatives', () => {
  const ok = (text: string): number | null => {
    const reading = readCTime(text);
    return reading.ok ? reading.seconds : null;
  };
  assert.equal(ok('1.5'), 1.5);
  assert.equal(ok('.5'), 0.5);
  assert.equal(ok('1e3'), 1000);
  assert.equal(ok('0x10'), 16);
  assert.equal(ok('inf'), Infinity);
  assert.ok(Number.isNaN(ok('nan')));
  assert.equal(ok('-0'), -0);
  assert.equal(ok('10s'), null);
  assert.equal(ok('-1'), null);
  assert.equal(ok('1,5'), null);
  assert.equal(ok('1e999'), null);
  assert.equal(ok(''), null);
});

test('atoi reads a leading number and ignores the rest', () => {
  assert.deepEqual(readAtoi('10abc'), { value: 10, consumed: 2, digits: true, overflow: false });
  assert.deepEqual(readAtoi('abc'), { value: 0, consumed: 0, digits: false, overflow: false });
  assert.equal(readAtoi('-3').value, -3);
});

test('peer ids are decimal whole numbers in range', () => {
  assert.equal(readStrtonum('1', 1, 65535), 1);
  assert.equal(readStrtonum('010', 1, 65535), 10);
  assert.equal(readStrtonum('0', 1, 65535), null);
  assert.equal(readStrtonum('0x10', 1, 65535), null);
  assert.equal(readStrtonum('65536', 1, 65535), null);
});

test('durations read as people say them', () => {
  assert.equal(describeSeconds(900), '15 min');
  assert.equal(describeSeconds(3600), '1 h');
  assert.equal(describeSeconds(90061), '1 d 1 h 1 min 1 s');
  assert.equal(describeSeconds(0.5), '500 ms');
});
