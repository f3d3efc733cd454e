// Writes package.json's contributes.configuration from the server's SETTINGS_SPEC, the single
// source of truth (test/unit/settings.test.ts fails when they differ). Run: npx tsx scripts/sync-package-settings.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS_SPEC } from '../server/src/settings';

const manifestPath = path.resolve(__dirname, '..', 'package.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
manifest.contributes.configuration = { ...manifest.contributes.configuration, properties: SETTINGS_SPEC };
fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
console.log(`package.json: ${Object.keys(SETTINGS_SPEC).length} settings written`);
