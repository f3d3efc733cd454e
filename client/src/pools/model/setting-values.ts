// Setting values compared the way PgBouncer reads them: SHOW CONFIG prints 0777 as 511 and 0x3c as 60.

import { readCInt, readCTime } from '../../../../server/src/catalog/values';
import { setting } from '../../../../server/src/catalog/catalog';

/** A value in a comparable form: numbers as PgBouncer stores them, enums in lower case. */
export function normalizeSettingValue(key: string, value: string): string {
  const type = setting('pgbouncer', key)?.type;
  const text = value.trim();
  switch (type) {
    case 'int':
    case 'uint':
    case 'bool': {
      if (text === '') return '0';
      const reading = readCInt(text);
      return reading.ok ? String(reading.stored) : text;
    }
    case 'time': {
      if (text === '') return '0';
      const reading = readCTime(text);
      return reading.ok ? String(reading.seconds) : text;
    }
    case 'enum':
      return text.toLowerCase();
    default:
      return value;
  }
}

export function sameConfigValue(key: string, a: string, b: string): boolean {
  return a === b || normalizeSettingValue(key, a) === normalizeSettingValue(key, b);
}
