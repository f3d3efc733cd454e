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

/**
 * The deployment of each workspace folder, for the Deployment view:
 * `new RequestType<DeploymentParams, DeploymentSummary[], void>(DEPLOYMENT_REQUEST)`.
 * Its answer changes when the deployment's files do; the server then sends DEPLOYMENT_CHANGED.
 */
export const DEPLOYMENT_REQUEST = 'pgbouncer/deployment';
export const DEPLOYMENT_CHANGED_NOTIFICATION = 'pgbouncer/deploymentChanged';

export type DeploymentParams = Record<string, never>;

export interface DeploymentLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface DeploymentSummaryPooler {
  name: string;
  /** ini (a pgbouncer.ini file), edoburu, bitnami, cloudnative-pg, zalando */
  kind: string;
  /** PgBouncer's release from the image tag, '' when unknown. */
  release: string;
  listenPort: number;
  databases: { name: string; server: string }[];
  location: DeploymentLocation;
}

export interface DeploymentSummaryClient {
  /** The service, or the setting when the connection belongs to no service. */
  name: string;
  setting: string;
  /** host:port it connects to. */
  target: string;
  database: string;
  purpose: 'runtime' | 'migration' | 'admin';
  /** Through a pooler, straight to a server a pooler serves, or elsewhere. */
  route: 'pooler' | 'bypass' | 'unknown';
  pooler?: string;
  /** The connections its pool may open (times replicas), when known. */
  poolSize?: number;
  /** A finding is reported on its connection string. */
  problem: boolean;
  location: DeploymentLocation;
}

export interface DeploymentSummary {
  /** The workspace folder's path. */
  folder: string;
  poolers: DeploymentSummaryPooler[];
  clients: DeploymentSummaryClient[];
}

/**
 * What watches an open pgbouncer.ini: Prometheus alerting rules or a Grafana dashboard for it,
 * `new RequestType<GenerateMonitoringParams, GenerateMonitoringResult, void>(GENERATE_MONITORING_REQUEST)`.
 */
export const GENERATE_MONITORING_REQUEST = 'pgbouncer/generateMonitoring';

export interface GenerateMonitoringParams {
  /** URI of an open pgbouncer.ini. */
  uri: string;
  kind: 'alerts' | 'dashboard';
  /** The pool view's thresholds (pgbouncer.thresholds.useWarning / useCritical), so both agree. */
  warningPercent?: number;
  criticalPercent?: number;
}

export interface GenerateMonitoringResult {
  text: string;
  /** The file name to write it to, beside the configuration (e.g. pgbouncer.alerts.yml). */
  fileName: string;
}

/**
 * The web-worker server's files (browser-server.ts): it has no file system of its own, so it asks
 * the client, which reads with vscode.workspace.fs (any file system VS Code offers),
 * `new RequestType<ReadFileParams, ReadFileResult, void>(READ_FILE_REQUEST)`.
 */
export const READ_FILE_REQUEST = 'pgbouncer/readFile';

export interface ReadFileParams {
  /** The file's URI, in the file system of the workspace it was named from. */
  uri: string;
  /** Read the contents when it is a file of at most this many bytes; 0 looks at the file only. */
  maxBytes: number;
}

export type ReadFileResult =
  /** Nothing there. */
  | { kind: 'missing' }
  /** The file system refused (no permission, not reachable from here: the editor's error code). */
  | { kind: 'error'; code: string }
  | {
      kind: 'file' | 'directory' | 'other';
      size: number;
      mtime: number;
      ctime: number;
      /** The contents, base64, when asked for and within maxBytes. */
      base64?: string;
    };
