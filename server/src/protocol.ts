// Names and types shared by the client and the server.

export type { Settings } from './settings';

export const LANGUAGE_ID = 'pgbouncer-ini';
/** userlist.txt, the auth_file. */
export const USERLIST_LANGUAGE_ID = 'pgbouncer-userlist';
export const SETTINGS_SECTION = 'pgbouncer';
export const DIAGNOSTIC_SOURCE = 'pgbouncer';

/** Documents larger than this are not analysed; one diagnostic says so. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * Custom request: the Markdown audit report of an open pgbouncer.ini (the same report as
 * `pgbouncer-lint --report`, with file: links). Build the request type on each side with
 * `new RequestType<AuditReportParams, AuditReportResult, void>(AUDIT_REPORT_REQUEST)`.
 */
export const AUDIT_REPORT_REQUEST = 'pgbouncer/auditReport';

export interface AuditReportParams {
  /** URI of an open document, as in textDocument/didOpen. */
  uri: string;
}

export interface AuditReportResult {
  markdown: string;
}
