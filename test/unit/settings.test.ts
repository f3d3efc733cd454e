import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, normalizeSettings, SETTINGS_SPEC } from '../../server/src/settings';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
};

test("package.json contributes exactly the server's settings, with the same types, defaults and choices", () => {
  assert.deepEqual(manifest.contributes.configuration.properties, SETTINGS_SPEC);
});

test('every setting has a default in DEFAULT_SETTINGS', () => {
  for (const key of Object.keys(SETTINGS_SPEC)) {
    const name = key.replace(/^pgbouncer\./, '') as keyof typeof DEFAULT_SETTINGS;
    assert.equal(SETTINGS_SPEC[key as keyof typeof SETTINGS_SPEC].default, DEFAULT_SETTINGS[name]);
  }
});

test('settings from the client are normalised: junk falls back to defaults', () => {
  assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(normalizeSettings({ targetVersion: '9.9', runDirectory: 5 }), DEFAULT_SETTINGS);
  assert.deepEqual(normalizeSettings({ targetVersion: '1.18', runDirectory: '/srv' }), {
    targetVersion: '1.18',
    runDirectory: '/srv',
  });
});
