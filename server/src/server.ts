// Wiring only: LSP requests in, feature functions out. Runs over --stdio or --node-ipc.

import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import type { InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { computeDiagnostics, documentPath } from './features/diagnostics';
import { SETTINGS_SECTION } from './protocol';
import { DEFAULT_SETTINGS, normalizeSettings, settingsProblems } from './settings';
import type { Settings } from './settings';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settingsCache = new Map<string, Promise<Settings>>();
let canPullConfiguration = false;
let globalSettings: Settings = DEFAULT_SETTINGS;
let workspaceFolders: string[] = [];
const reportedProblems = new Set<string>();

connection.onInitialize((params: InitializeParams): InitializeResult => {
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  workspaceFolders = (params.workspaceFolders ?? []).map((folder) => documentPath(folder.uri));
  const initial = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
  if (initial !== undefined) globalSettings = normalizeSettings(initial);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    },
    serverInfo: { name: 'pgbouncer-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (canPullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
  }
});

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

async function validateDocument(document: TextDocument): Promise<void> {
  const settings = await settingsFor(document.uri);
  // The document may have changed or closed while settings were fetched.
  const current = documents.get(document.uri);
  if (!current || current.version !== document.version) return;
  let diagnostics: ReturnType<typeof computeDiagnostics>;
  try {
    diagnostics = computeDiagnostics(document, { settings, workspaceFolders });
  } catch (error) {
    connection.console.error(
      `Analysis of ${document.uri} failed: ${(error as Error).stack ?? String(error)}`,
    );
    diagnostics = [];
  }
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
}

connection.onDidChangeConfiguration((change) => {
  settingsCache.clear();
  if (!canPullConfiguration) {
    const section = (change.settings as Record<string, unknown> | null)?.[SETTINGS_SECTION];
    reportProblems(section);
    globalSettings = normalizeSettings(section);
  }
  for (const document of documents.all()) void validateDocument(document);
});

documents.onDidChangeContent((change) => void validateDocument(change.document));
documents.onDidClose((event) => {
  settingsCache.delete(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
