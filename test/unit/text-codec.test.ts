import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBytes, encodeText } from '../../server/src/files/text-codec';

const ascii = (text: string): number[] => [...text].map((ch) => ch.charCodeAt(0));

test('any bytes survive decode and encode unchanged', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      assert.deepEqual(encodeText(decodeBytes(bytes)), Uint8Array.from(bytes));
    }),
    { numRuns: 20_000 },
  );
});

test('valid UTF-8 decodes as UTF-8, and any text survives encode and decode', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
      assert.equal(decodeBytes(new TextEncoder().encode(text)), text);
      assert.equal(decodeBytes(encodeText(text)), text);
    }),
    { numRuns: 5_000 },
  );
});

test('a Latin-1 comment, a NUL, a BOM and CRLF come back byte for byte', () => {
  const bytes = Uint8Array.from([
    ...[0xef, 0xbb, 0xbf],
    ...ascii('; caf'),
    ...[0xe9, 0x0d, 0x0a, 0x00],
    ...ascii('[pgbouncer]\r\nlisten_port = 6432'),
  ]);
  const text = decodeBytes(bytes);
  assert.equal(text.charCodeAt(0), 0xfeff, 'the BOM is kept as a character');
  assert.ok(text.includes('caf\udce9\r\n\u0000'), 'é in Latin-1 is one escaped byte');
  assert.deepEqual(encodeText(text), bytes);
  // An edit elsewhere keeps the escaped byte.
  assert.deepEqual(
    encodeText(text.replace('6432', '6433')),
    Uint8Array.from([...bytes.subarray(0, bytes.length - 4), ...ascii('6433')]),
  );
});

test('surrogates written as UTF-8 bytes (CESU) are not valid UTF-8 and are kept as bytes', () => {
  const bytes = Uint8Array.from([0x61, 0xed, 0xb2, 0x80, 0x62]);
  assert.equal(decodeBytes(bytes), 'a\udced\udcb2\udc80b');
  assert.deepEqual(encodeText(decodeBytes(bytes)), bytes);
});
