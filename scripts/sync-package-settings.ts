// Writes package.json's contributes.configuration from EXTENSION_SETTINGS_SPEC, the single
// source of truth (test/unit/settings.test.ts fails when they differ). Run: npx tsx scripts/sync-package-settings.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_SETTINGS_SPEC } from '../server/src/client-settings';

const manifestPath = path.resolve(__dirname, '..', 'package.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
manifest.contributes.configuration = {
  ...manifest.contributes.configuration,
  properties: EXTENSION_SETTINGS_SPEC,
};
fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
console.log(`package.json: ${Object.keys(EXTENSION_SETTINGS_SPEC).length} settings written`);
