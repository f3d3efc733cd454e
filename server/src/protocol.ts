// Names and types shared by the client and the server.

export type { Settings } from './settings';

export const LANGUAGE_ID = 'pgbouncer-ini';
export const SETTINGS_SECTION = 'pgbouncer';
export const DIAGNOSTIC_SOURCE = 'pgbouncer';

/** Documents larger than this are not analysed; one diagnostic says so. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
