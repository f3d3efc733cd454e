import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EXTENSION_SETTINGS_SPEC } from '../../server/src/client-settings';
import {
  DEFAULT_SETTINGS,
  normalizeSettings,
  SETTINGS_SPEC,
  settingsProblems,
} from '../../server/src/settings';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
};

test('package.json contributes exactly the settings of the spec, with the same types, defaults and choices', () => {
  assert.deepEqual(manifest.contributes.configuration.properties, EXTENSION_SETTINGS_SPEC);
});

test('every setting has a default in DEFAULT_SETTINGS', () => {
  for (const [key, spec] of Object.entries(SETTINGS_SPEC)) {
    let value: unknown = DEFAULT_SETTINGS;
    for (const part of key.replace(/^pgbouncer\./, '').split('.'))
      value = (value as Record<string, unknown>)[part];
    assert.deepEqual(spec.default, value, key);
  }
});

test('settings from the client are normalised: junk falls back to defaults', () => {
  assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(normalizeSettings({ targetVersion: '9.9', runDirectory: 5 }), DEFAULT_SETTINGS);
  assert.deepEqual(
    normalizeSettings({
      targetVersion: '1.18',
      runDirectory: '/srv',
      deployedHere: 'yes',
      profile: 'development',
      rules: { 'syslog-disabled': 'off', 'client-idle-timeout-disabled': 'loud' },
      postgresMaxConnections: 500,
      fileDescriptorLimit: -3,
    }),
    {
      targetVersion: '1.18',
      runDirectory: '/srv',
      deployedHere: false,
      profile: 'development',
      rules: { 'syslog-disabled': 'off' },
      postgresMaxConnections: 500,
      fileDescriptorLimit: DEFAULT_SETTINGS.fileDescriptorLimit,
      inlayHints: { enabled: true },
      format: { alignValues: false, alignParameters: false },
    },
  );
});

test('a wrong target version is reported, an empty or valid one is not', () => {
  assert.equal(settingsProblems({ targetVersion: '2.0' }).length, 1);
  assert.match(settingsProblems({ targetVersion: '2.0' })[0], /not a PgBouncer release/);
  assert.deepEqual(settingsProblems({ targetVersion: '1.18' }), []);
  assert.deepEqual(settingsProblems({ targetVersion: '' }), []);
  assert.deepEqual(settingsProblems(undefined), []);
});
