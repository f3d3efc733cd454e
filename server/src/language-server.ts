// Wiring only: LSP requests in, feature functions out. One module for both servers: the Node one
// (server.ts: stdio or IPC, this machine's files, the deployment audit) and the web-worker one
// (browser-server.ts: the editor's files over requests to the client, no deployment audit); each
// hands in a connection and what differs (ServerHost).

import {
  BulkRegistration,
  CodeActionKind,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentLinkRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  HoverRequest,
  InlayHintRequest,
  ReferencesRequest,
  RenameRequest,
  DidChangeConfigurationNotification,
  ErrorCodes,
  LSPErrorCodes,
  RequestType,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import type { Connection, InitializeParams, InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';
import { auditReport } from './features/auditReport';
import { codeActions, FIX_ALL_KIND } from './features/codeActions';
import { completion } from './features/completion';
import { formatDocument } from './features/formatting';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { definition, prepareRename, references, rename } from './features/navigation';
import { documentLinks, documentSymbols, foldingRanges } from './features/structure';
import { USERLIST_LANGUAGE_ID, userlistDiagnostics } from './features/userlist';
import {
  boundedDiagnostics,
  diagnosticsOf,
  documentPath,
  isTooLarge,
  lintDocument,
  tooLargeDiagnostics,
  unreadFilesSaidOnce,
} from './features/diagnostics';
import { DocumentCache } from './analysis/engine';
import { FileSnapshot } from './files/file-snapshot';
import type { SnapshotSource } from './files/file-snapshot';
import type { LintResult } from './analysis/engine';
import {
  AUDIT_REPORT_REQUEST,
  DEPLOYMENT_CHANGED_NOTIFICATION,
  DEPLOYMENT_REQUEST,
  GENERATE_MONITORING_REQUEST,
  LANGUAGE_ID,
  SETTINGS_SECTION,
} from './protocol';
import type {
  AuditReportParams,
  AuditReportResult,
  DeploymentParams,
  DeploymentSummary,
  GenerateMonitoringParams,
  GenerateMonitoringResult,
} from './protocol';
import type { alertDriftDiagnostics, generateMonitoring } from './features/monitoring';
import * as path from 'node:path';
import type { DeploymentAudits, DeploymentAuditHost } from './features/deployment-audits';
import type { deploymentCodeActions } from './features/deployment';
import type { deploymentKindOfPath } from './deployment/read/discover';
import type { buildDeploymentReport } from './report/deployment-report';
import { DEFAULT_SETTINGS, normalizeSettings, settingsProblems } from './settings';
import type { Settings } from './settings';

/** The deployment audit of workspace folders: the Node server's only (it walks folders on disk). */
export interface DeploymentSupport {
  create(host: DeploymentAuditHost): DeploymentAudits;
  kindOfPath: typeof deploymentKindOfPath;
  codeActions: typeof deploymentCodeActions;
  report: typeof buildDeploymentReport;
}

/** What the two servers do differently. */
export interface ServerHost {
  /** Where the files documents name come from; this machine's unless told. */
  snapshotSource?: SnapshotSource;
  /** Left out: no deployment audit, the Deployment view stays empty. */
  deployment?: DeploymentSupport;
  /** A small regular file beside a configuration (its generated alert rules), or undefined. */
  readSmallFile(filePath: string): string | undefined;
  /** Left out: no generated alert rules or dashboard, no drift warning (desktop only). */
  monitoring?: {
    generate: typeof generateMonitoring;
    drift: typeof alertDriftDiagnostics;
    /** The file the generated rules of a configuration are written to. */
    rulesFileName(configPath: string): string;
  };
  /** The file system cannot reach every path (the browser): unread files are said once per document. */
  partialFileSystem?: boolean;
}

type Audits = Pick<
  DeploymentAudits,
  'setFolders' | 'changed' | 'diagnosticsOf' | 'findingsIn' | 'settled' | 'summaries' | 'auditRunning'
>;

/** The deployment audit where there is none. */
const NO_AUDITS: Audits = {
  setFolders: () => undefined,
  changed: () => undefined,
  diagnosticsOf: () => [],
  findingsIn: () => undefined,
  settled: () => Promise.resolve(),
  summaries: () => [],
  auditRunning: () => undefined,
};

/** Wires the features to the connection and starts listening. */
export function startLanguageServer(connection: Connection, host: ServerHost): void {
  const documents = new TextDocuments(TextDocument);
  const settingsCache = new Map<string, Promise<Settings>>();
  let canPullConfiguration = false;
  let globalSettings: Settings = DEFAULT_SETTINGS;
  let workspaceFolders: string[] = [];
  /** The name the editor gives each workspace folder (a .code-workspace may rename one), by path. */
  const folderNames = new Map<string, string>();
  const reportedProblems = new Set<string>();

  let initializeReceived = false;
  let supportsFolderChanges = false;

  /** A request handler that answers ServerNotInitialized until initialize has come, as the protocol says. */
  function ready<P, R>(handler: (params: P) => R): (params: P) => R {
    return (params: P) => {
      if (!initializeReceived) {
        throw new ResponseError(ErrorCodes.ServerNotInitialized, 'The server has not been initialized yet.');
      }
      return handler(params);
    };
  }

  // Requests nobody handles: not initialized first, then unknown.
  connection.onRequest((method: string) => {
    if (!initializeReceived) {
      throw new ResponseError(ErrorCodes.ServerNotInitialized, 'The server has not been initialized yet.');
    }
    throw new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${method}`);
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    // The protocol allows one initialize; a second would silently change the client's capabilities,
    // workspace and settings under documents already analysed with the first ones.
    if (initializeReceived) {
      throw new ResponseError(ErrorCodes.InvalidRequest, 'The server is already initialized.');
    }
    initializeReceived = true;
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    workspaceFolders = (params.workspaceFolders ?? []).map((folder) => documentPath(folder.uri));
    for (const folder of params.workspaceFolders ?? [])
      folderNames.set(documentPath(folder.uri), folder.name);
    supportsFolderChanges = params.capabilities.workspace?.workspaceFolders === true;
    const initial = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    if (initial !== undefined) globalSettings = normalizeSettings(initial);
    // Features of pgbouncer.ini and userlist.txt only. The client also sends compose files, manifests
    // and .env files for the deployment audit; a provider registered with the client's selector would
    // claim them too (a second formatter for YAML, an empty outline), so where the client can, these
    // are registered after initialization for our two languages alone.
    const textDocument = params.capabilities.textDocument;
    const dynamic = (feature: { dynamicRegistration?: boolean } | undefined) =>
      feature?.dynamicRegistration === true;
    registerLater = {
      formatting: dynamic(textDocument?.formatting),
      rangeFormatting: dynamic(textDocument?.rangeFormatting),
      rename: dynamic(textDocument?.rename),
      documentSymbol: dynamic(textDocument?.documentSymbol),
      completion: dynamic(textDocument?.completion),
      hover: dynamic(textDocument?.hover),
      definition: dynamic(textDocument?.definition),
      references: dynamic(textDocument?.references),
      documentLink: dynamic(textDocument?.documentLink),
      inlayHint: dynamic(textDocument?.inlayHint),
    };
    const capabilities: InitializeResult['capabilities'] = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      foldingRangeProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    };
    if (!registerLater.completion) capabilities.completionProvider = COMPLETION_OPTIONS;
    if (!registerLater.hover) capabilities.hoverProvider = true;
    if (!registerLater.documentSymbol) capabilities.documentSymbolProvider = { label: 'PgBouncer' };
    if (!registerLater.documentLink) capabilities.documentLinkProvider = { resolveProvider: false };
    if (!registerLater.definition) capabilities.definitionProvider = true;
    if (!registerLater.references) capabilities.referencesProvider = true;
    if (!registerLater.rename) capabilities.renameProvider = { prepareProvider: true };
    if (!registerLater.inlayHint) capabilities.inlayHintProvider = true;
    if (!registerLater.formatting) capabilities.documentFormattingProvider = true;
    if (!registerLater.rangeFormatting) capabilities.documentRangeFormattingProvider = true;
    return { capabilities, serverInfo: { name: 'pgbouncer-language-server', version: '0.1.0' } };
  });

  const COMPLETION_OPTIONS = { triggerCharacters: ['[', '=', ' ', '/'], resolveProvider: false };
  const OUR_DOCUMENTS = [{ language: LANGUAGE_ID }, { language: USERLIST_LANGUAGE_ID }];
  let registerLater: Record<string, boolean> = {};

  /** The features registered for our languages only (see onInitialize). */
  function registerForOurDocuments(): void {
    const documentSelector = OUR_DOCUMENTS;
    const bulk = BulkRegistration.create();
    const later = (feature: string) => registerLater[feature] === true;
    if (later('completion')) bulk.add(CompletionRequest.type, { documentSelector, ...COMPLETION_OPTIONS });
    if (later('hover')) bulk.add(HoverRequest.type, { documentSelector });
    if (later('documentSymbol'))
      bulk.add(DocumentSymbolRequest.type, { documentSelector, label: 'PgBouncer' });
    if (later('documentLink'))
      bulk.add(DocumentLinkRequest.type, { documentSelector, resolveProvider: false });
    if (later('definition')) bulk.add(DefinitionRequest.type, { documentSelector });
    if (later('references')) bulk.add(ReferencesRequest.type, { documentSelector });
    if (later('rename')) bulk.add(RenameRequest.type, { documentSelector, prepareProvider: true });
    if (later('inlayHint')) bulk.add(InlayHintRequest.type, { documentSelector });
    if (later('formatting')) bulk.add(DocumentFormattingRequest.type, { documentSelector });
    if (later('rangeFormatting')) bulk.add(DocumentRangeFormattingRequest.type, { documentSelector });
    void connection.client.register(bulk);
  }

  connection.onInitialized(() => {
    registerForOurDocuments();
    if (canPullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (supportsFolderChanges) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((folder) => documentPath(folder.uri)));
        workspaceFolders = [
          ...workspaceFolders.filter((folder) => !removed.has(folder)),
          ...event.added.map((folder) => documentPath(folder.uri)),
        ];
        for (const folder of removed) folderNames.delete(folder);
        for (const folder of event.added) folderNames.set(documentPath(folder.uri), folder.name);
        // An open file may now belong to another folder (its settings, a relative runDirectory).
        settingsCache.clear();
        analyses.clear();
        for (const document of documents.all()) void validateDocument(document);
        deploymentAudits.setFolders(workspaceFolders);
      });
    }
    deploymentAudits.setFolders(workspaceFolders);
  });

  /**
   * The deployment audit of every workspace folder (compose, Kubernetes, .env, application configs):
   * its diagnostics are published for those files, and merged into an open pgbouncer.ini's own.
   */
  const deploymentAudits: Audits = host.deployment
    ? host.deployment.create({
        openDocuments: () =>
          new Map(documents.all().map((document) => [documentPath(document.uri), document.getText()])),
        lintOptions: async (folder) => {
          const settings = await settingsFor(pathToFileURL(folder).toString());
          return { settings, workspaceFolders };
        },
        publish: (changed) => {
          for (const [filePath, diagnostics] of changed) {
            const uri = pathToFileURL(filePath).toString();
            const open = documents.get(uri);
            if (open && !isDeploymentDocument(open)) void validateDocument(open);
            else void connection.sendDiagnostics({ uri, diagnostics: boundedDiagnostics(diagnostics) });
          }
          void connection.sendNotification(DEPLOYMENT_CHANGED_NOTIFICATION);
        },
        log: (message) => connection.console.error(message),
      })
    : NO_AUDITS;

  const readSmallFile = (filePath: string) => host.readSmallFile(filePath);

  /** A compose file, manifest, .env or application config open in the editor: the deployment audit's. */
  function isDeploymentDocument(document: TextDocument): boolean {
    if (document.languageId === LANGUAGE_ID || document.languageId === USERLIST_LANGUAGE_ID) return false;
    if (!host.deployment) return false;
    const kind = host.deployment.kindOfPath(documentPath(document.uri));
    return kind !== undefined && kind !== 'pgbouncer-ini' && kind !== 'userlist' && kind !== 'ini';
  }

  function settingsFor(uri: string): Promise<Settings> {
    if (!canPullConfiguration) return Promise.resolve(globalSettings);
    let settings = settingsCache.get(uri);
    if (!settings) {
      settings = connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(
        (raw: unknown) => {
          reportProblems(raw);
          return normalizeSettings(raw);
        },
        () => globalSettings,
      );
      settingsCache.set(uri, settings);
    }
    return settings;
  }

  function reportProblems(raw: unknown): void {
    for (const problem of settingsProblems(raw)) {
      if (reportedProblems.has(problem)) continue;
      reportedProblems.add(problem);
      void connection.window.showWarningMessage(problem);
    }
  }

  interface Analysis {
    version: number;
    /** Null when the document is too large to analyse. */
    result: LintResult | null;
  }

  const analyses = new Map<string, Analysis>();
  /** The files documents name, read off the event loop (see FileSnapshot). */
  const files = new FileSnapshot({
    onLateRead: (paths) => filesArrived(paths),
    ...(host.snapshotSource && { source: host.snapshotSource }),
  });
  /** Per document: the paths its last analysis looked at, checked for changes before the next one. */
  const filesUsed = new Map<string, ReadonlySet<string>>();
  /** Per open document: what one analysis keeps for the next, so that an edit is cheap. */
  const documentCaches = new Map<string, DocumentCache>();

  /** Per document, the analysis running now: one at a time, since they share the document's cache. */
  const analysing = new Map<string, Promise<unknown>>();

  /** The analysis of the document's current version, computed once per version. */
  function analysisFor(document: TextDocument): Promise<Analysis | null> {
    const cached = analyses.get(document.uri);
    if (cached && cached.version === document.version) return Promise.resolve(cached);
    const before = analysing.get(document.uri) ?? Promise.resolve();
    const next = before.then(() => analyseNow(document));
    const settled = next.catch(() => undefined);
    analysing.set(document.uri, settled);
    void settled.then(() => {
      if (analysing.get(document.uri) === settled) analysing.delete(document.uri);
    });
    return next;
  }

  async function analyseNow(document: TextDocument): Promise<Analysis | null> {
    const cached = analyses.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const settings = await settingsFor(document.uri);
    // The document may have changed or closed while settings were fetched.
    const current = documents.get(document.uri);
    if (!current || current.version !== document.version) return null;
    let result: LintResult | null = null;
    if (!isTooLarge(document)) {
      let cache = documentCaches.get(document.uri);
      if (!cache) documentCaches.set(document.uri, (cache = new DocumentCache()));
      try {
        const cacheOfDocument = cache;
        const analysed = await files.analyse(
          (fileSystem) =>
            lintDocument(document, {
              settings,
              workspaceFolders,
              cache: cacheOfDocument,
              fileSystem,
              deferFixVerification: true,
            }),
          filesUsed.get(document.uri),
        );
        result = analysed.result;
        filesUsed.set(document.uri, analysed.used);
      } catch (error) {
        documentCaches.get(document.uri)?.clear(); // it may be half updated
        connection.console.error(
          `Analysis of ${document.uri} failed: ${(error as Error).stack ?? String(error)}`,
        );
        return null;
      }
      // Files were read meanwhile: a newer version may have been analysed already.
      const latest = analyses.get(document.uri);
      if (latest && latest.version >= document.version) return latest;
      if (documents.get(document.uri)?.version !== document.version) return null;
    }
    const analysis = { version: document.version, result };
    analyses.set(document.uri, analysis);
    return analysis;
  }

  /**
   * Files that were still being read when an analysis stopped waiting have arrived: analyse again the
   * documents that asked for them.
   */
  function filesArrived(paths: readonly string[]): void {
    for (const document of documents.all()) {
      const used = filesUsed.get(document.uri);
      if (!used || !paths.some((filePath) => used.has(filePath))) continue;
      analyses.delete(document.uri);
      void validateDocument(document);
    }
  }

  async function validateDocument(document: TextDocument): Promise<void> {
    if (isDeploymentDocument(document)) {
      deploymentAudits.changed(documentPath(document.uri));
      return;
    }
    if (document.languageId === USERLIST_LANGUAGE_ID) {
      const settings = await settingsFor(document.uri);
      const { result: diagnostics, used } = await files.analyse(
        (fileSystem) => userlistDiagnostics(document, settings, fileSystem, workspaceFolders),
        filesUsed.get(document.uri),
      );
      filesUsed.set(document.uri, used);
      if (documents.get(document.uri)?.version !== document.version) return;
      void connection.sendDiagnostics({
        uri: document.uri,
        version: document.version,
        diagnostics: boundedDiagnostics(diagnostics),
      });
      return;
    }
    const analysis = await analysisFor(document);
    if (!analysis) return;
    let diagnostics = analysis.result ? diagnosticsOf(analysis.result) : tooLargeDiagnostics();
    if (host.partialFileSystem) diagnostics = unreadFilesSaidOnce(diagnostics, document.uri);
    diagnostics.push(...deploymentAudits.diagnosticsOf(documentPath(document.uri)));
    if (analysis.result && host.monitoring)
      diagnostics.push(...host.monitoring.drift(analysis.result, readSmallFile));
    // An edit of a pgbouncer.ini changes what its deployment's clients can do.
    deploymentAudits.changed(documentPath(document.uri));
    void connection.sendDiagnostics({
      uri: document.uri,
      version: document.version,
      diagnostics: boundedDiagnostics(diagnostics),
    });
  }

  /** The open pgbouncer.ini and its analysis, or null (unknown document, other language, too large). */
  async function analysed(
    uri: string,
  ): Promise<{ document: TextDocument; result: LintResult; settings: Settings } | null> {
    const document = documents.get(uri);
    if (!document || document.languageId === USERLIST_LANGUAGE_ID || isDeploymentDocument(document))
      return null;
    const analysis = await analysisFor(document);
    if (!analysis?.result) return null;
    return { document, result: analysis.result, settings: await settingsFor(uri) };
  }

  connection.onCompletion(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? completion(a.document, a.result, params, a.settings) : [];
    }),
  );
  connection.onHover(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? hover(a.document, a.result, params, a.settings) : null;
    }),
  );
  connection.onDocumentSymbol(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? documentSymbols(a.result) : [];
    }),
  );
  connection.onFoldingRanges(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? foldingRanges(a.result) : [];
    }),
  );
  connection.onDocumentLinks(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      // Where the machine's disk is not the editor's (the web), whether a linked file exists is what
      // the analysis read of it through the editor's file system.
      return a ? documentLinks(a.result, host.partialFileSystem ? files.view() : undefined) : [];
    }),
  );
  connection.onDefinition(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? definition(params.textDocument.uri, a.result, params.position) : null;
    }),
  );
  connection.onReferences(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? references(params.textDocument.uri, a.result, params) : [];
    }),
  );
  connection.onPrepareRename(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? prepareRename(a.result, params.position) : null;
    }),
  );
  connection.onRenameRequest(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? rename(params.textDocument.uri, a.result, params.position, params.newName) : null;
    }),
  );
  connection.languages.inlayHint.on(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? inlayHints(a.result, params.range, a.settings) : [];
    }),
  );
  connection.onDocumentFormatting(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? formatDocument(a.result, params.options, a.settings) : [];
    }),
  );
  connection.onDocumentRangeFormatting(
    ready(async (params) => {
      const a = await analysed(params.textDocument.uri);
      return a ? formatDocument(a.result, params.options, a.settings, params.range) : [];
    }),
  );

  connection.onCodeAction(
    ready(async (params) => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return [];
      if (isDeploymentDocument(document)) {
        const found = deploymentAudits.findingsIn(documentPath(document.uri));
        return host.deployment
          ? host.deployment.codeActions(document.uri, document.getText(), found, params.range)
          : [];
      }
      const analysis = await analysisFor(document);
      if (!analysis?.result) return [];
      return codeActions(document.uri, documentPath(document.uri), analysis.result, params);
    }),
  );

  const auditReportRequest = new RequestType<AuditReportParams, AuditReportResult, void>(
    AUDIT_REPORT_REQUEST,
  );

  connection.onRequest(
    auditReportRequest,
    ready(async (params): Promise<AuditReportResult> => {
      // The deployment's sections follow when this file configures a PgBouncer of a workspace
      // deployment: its audit is waited for first (a result must not be used once a later analysis runs).
      await deploymentAudits.settled();
      // A document that changes while its settings are read is analysed again, at its new version.
      for (let attempt = 0; attempt < 5; attempt++) {
        const document = documents.get(params.uri);
        if (!document) {
          throw new ResponseError(
            ErrorCodes.InvalidParams,
            `${params.uri} is not open in the language server.`,
          );
        }
        const analysis = await analysisFor(document);
        if (analysis && !analysis.result) {
          throw new ResponseError(LSPErrorCodes.RequestFailed, 'This file is too large to analyse.');
        }
        if (analysis?.result) {
          const settings = await settingsFor(document.uri);
          const deployment = deploymentAudits.auditRunning(documentPath(document.uri));
          return auditReport(document.uri, analysis.result, {
            settings,
            workspaceFolders,
            folderNames,
            ...(deployment &&
              host.deployment && { deployment: { audit: deployment, report: host.deployment.report } }),
          });
        }
        if (documents.get(params.uri)?.version === document.version) break; // the analysis failed
      }
      throw new ResponseError(
        LSPErrorCodes.RequestFailed,
        'The analysis of this file failed; the language server log says why.',
      );
    }),
  );

  connection.onRequest(
    new RequestType<DeploymentParams, DeploymentSummary[], void>(DEPLOYMENT_REQUEST),
    ready(async (): Promise<DeploymentSummary[]> => {
      await deploymentAudits.settled();
      return deploymentAudits.summaries();
    }),
  );

  connection.onRequest(
    new RequestType<GenerateMonitoringParams, GenerateMonitoringResult, void>(GENERATE_MONITORING_REQUEST),
    ready(async (params): Promise<GenerateMonitoringResult> => {
      const a = await analysed(params.uri);
      if (!a)
        throw new ResponseError(ErrorCodes.InvalidParams, `${params.uri} is not an open pgbouncer.ini.`);
      try {
        if (!host.monitoring)
          throw new ResponseError(
            LSPErrorCodes.RequestFailed,
            'Alert rules and dashboards are generated in desktop VS Code.',
          );
        return host.monitoring.generate(a.result, params);
      } catch (error) {
        throw new ResponseError(LSPErrorCodes.RequestFailed, (error as Error).message);
      }
    }),
  );

  connection.onDidChangeWatchedFiles((change) => {
    for (const event of change.changes) {
      const filePath = documentPath(event.uri);
      deploymentAudits.changed(filePath);
      // Generated alert rules beside an open configuration: its drift warning may change.
      const monitoring = host.monitoring;
      if (monitoring && filePath.endsWith('.alerts.yml')) {
        for (const document of documents.all()) {
          const configPath = documentPath(document.uri);
          if (
            path.dirname(configPath) === path.dirname(filePath) &&
            monitoring.rulesFileName(configPath) === path.basename(filePath)
          )
            void validateDocument(document);
        }
      }
    }
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    analyses.clear();
    files.clear();
    if (!canPullConfiguration) {
      const section = (change.settings as Record<string, unknown> | null)?.[SETTINGS_SECTION];
      reportProblems(section);
      globalSettings = normalizeSettings(section);
    }
    for (const document of documents.all()) void validateDocument(document);
    deploymentAudits.changed();
  });

  documents.onDidChangeContent((change) => void validateDocument(change.document));
  documents.onDidClose((event) => {
    settingsCache.delete(event.document.uri);
    analyses.delete(event.document.uri);
    documentCaches.delete(event.document.uri);
    filesUsed.delete(event.document.uri);
    files.retainOnly(new Set([...filesUsed.values()].flatMap((used) => [...used])));
    if (isDeploymentDocument(event.document)) {
      // Its diagnostics stay (the file is still part of the deployment): audit it as it is on disk.
      deploymentAudits.changed(documentPath(event.document.uri));
      return;
    }
    const kept = deploymentAudits.diagnosticsOf(documentPath(event.document.uri));
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: boundedDiagnostics(kept) });
  });

  documents.listen(connection);
  connection.listen();
}
