// The one server module the client (client/src/) may import: the names and types both sides share,
// the settings the client reads, and the few engine functions the client runs itself. Everything
// else of server/src is the server's own, free to change; a test (test/unit/client-imports.test.ts)
// keeps the client to this file. Client bundles hold only what they use of it (see esbuild.mjs).

// The protocol between the language client and the server.
export { AUDIT_REPORT_REQUEST, LANGUAGE_ID, SETTINGS_SECTION, USERLIST_LANGUAGE_ID } from './protocol';
export type { AuditReportParams, AuditReportResult } from './protocol';
export {
  DEPLOYMENT_CHANGED_NOTIFICATION,
  DEPLOYMENT_REQUEST,
  GENERATE_MONITORING_REQUEST,
  READ_FILE_REQUEST,
} from './protocol';
export type { ReadFileParams, ReadFileResult } from './protocol';
export type { GenerateMonitoringParams, GenerateMonitoringResult } from './protocol';
export type {
  DeploymentLocation,
  DeploymentParams,
  DeploymentSummary,
  DeploymentSummaryClient,
  DeploymentSummaryPooler,
} from './protocol';

// The pool view's settings (pgbouncer.instances, thresholds, ...), and where PgBouncer runs.
export { POOL_SETTING_DEFAULTS, POOL_SSL_MODES } from './client-settings';
export type { PoolSslMode } from './client-settings';
export { resolveRunDirectory } from './settings';

// A pgbouncer.ini as the client reads it itself: the offer to use the extension for an .ini file,
// the pool hover on a [databases] entry.
export { configOutline, connectionStringKeys, isKnownSetting } from './client-support/outline';

// The RELOAD preview: what PgBouncer would read from the file, its values compared as it reads them.
export { reloadFacts } from './client-support/reload-facts';
export type { ReloadFacts } from './client-support/reload-facts';
export { parameterInteger, sameConfigValue, settingInteger } from './client-support/setting-values';
export { analyseWithFileSnapshot } from './client-support/file-analysis';
export type { FileSystem as ConfigFileSystem } from './files/file-system';

// Known vulnerabilities of the release an instance reports (SHOW VERSION), for the pool view.
export { ADVISORY_LIST_UPDATED, advisoriesForVersion } from './client-support/advisories';
export type { AdvisoryView } from './client-support/advisories';
