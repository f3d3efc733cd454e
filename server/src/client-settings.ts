// Settings only the VS Code client reads (the live pool view). Together with SETTINGS_SPEC in
// ./settings.ts they are every setting the extension contributes; package.json is checked against both.

import type { SettingSpec } from './settings';
import { SETTINGS_SPEC } from './settings';

export const CLIENT_SETTINGS_SPEC: Record<string, SettingSpec> = {};

/** Every contributed setting: package.json's contributes.configuration.properties. */
export const EXTENSION_SETTINGS_SPEC: Record<string, SettingSpec> = {
  ...SETTINGS_SPEC,
  ...CLIENT_SETTINGS_SPEC,
};
