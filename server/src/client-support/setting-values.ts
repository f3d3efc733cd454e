// Setting values compared the way PgBouncer reads them (SHOW CONFIG prints 0777 as 511 and 0x3c as
// 60), and the two number readers the RELOAD preview needs: what the client may know of the C
// library emulations in catalog/values.ts.

import { setting } from '../catalog/catalog';
import { readAtoi, readCInt, readCTime } from '../catalog/values';

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
      // As PgBouncer keeps it (and SHOW CONFIG shows it): 1e20 does not fit and is 0.
      return reading.ok ? String(reading.stored) : text;
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

/** An integer setting as PgBouncer stores it (strtol, kept in an int); 0 when it does not read as one. */
export function settingInteger(text: string): number {
  const reading = readCInt(text);
  return reading.ok ? reading.stored : 0;
}

/** A number parameter of a connection string as PgBouncer reads it (atoi). */
export function parameterInteger(text: string): number {
  return readAtoi(text).value;
}
