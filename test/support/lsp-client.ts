// Drives the built language server over stdio, as an editor does.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShowMessageRequest,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type {
  ConfigurationItem,
  InitializeResult,
  ProtocolConnection,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const SERVER_BUNDLE = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export class LspClient {
  private readonly waiters: {
    uri: string;
    accept: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  readonly published: PublishDiagnosticsParams[] = [];
  readonly messages: { type: number; message: string }[] = [];
  /** Answers workspace/configuration, per document URI. */
  settingsFor: (item: ConfigurationItem) => unknown = () => ({});
  initializeResult: InitializeResult | undefined;
  stderr = '';

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(
    options: {
      pullConfiguration?: boolean;
      initializationOptions?: unknown;
      /** Paths of the workspace folders the editor has open; none by default. */
      workspaceFolders?: readonly string[];
      /** Say the client sends workspace/didChangeWorkspaceFolders, as VS Code does. */
      folderChanges?: boolean;
    } = {},
  ): Promise<LspClient> {
    if (!fs.existsSync(SERVER_BUNDLE))
      throw new Error(`${SERVER_BUNDLE} is missing: run npm run build first`);
    // SERVER_NODE_ARGS: Node options for the server under test, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
    const nodeArgs = process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, SERVER_BUNDLE, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new LspClient(child, connection);
    child.stderr!.on('data', (chunk: Buffer) => (client.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      client.published.push(params);
      for (let i = client.waiters.length - 1; i >= 0; i--) {
        const waiter = client.waiters[i];
        if (waiter.uri === params.uri && waiter.accept(params)) {
          client.waiters.splice(i, 1);
          waiter.resolve(params);
        }
      }
    });
    connection.onNotification(ShowMessageNotification.type, (params) => {
      client.messages.push(params);
    });
    connection.onRequest(ShowMessageRequest.type, (params) => {
      client.messages.push(params);
      return null;
    });
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => client.settingsFor(item)),
    );
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.listen();
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: {
          configuration: options.pullConfiguration ?? true,
          didChangeConfiguration: { dynamicRegistration: true },
          ...(options.folderChanges && { workspaceFolders: true }),
        },
        textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true } },
      },
      initializationOptions: options.initializationOptions,
      ...(options.workspaceFolders && {
        workspaceFolders: options.workspaceFolders.map((folder) => ({
          uri: pathToFileURL(folder).toString(),
          name: path.basename(folder),
        })),
      }),
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Resolves with the next diagnostics for `uri` that `accept` agrees to. */
  nextDiagnostics(
    uri: string,
    accept: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10000,
  ): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms\n${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push({
        uri,
        accept,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  async open(
    uri: string,
    text: string,
    version = 1,
    languageId = 'pgbouncer-ini',
  ): Promise<PublishDiagnosticsParams> {
    const diagnostics = this.nextDiagnostics(uri, (p) => p.version === version);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
    return diagnostics;
  }

  async change(
    uri: string,
    version: number,
    changes: TextDocumentContentChangeEvent[],
  ): Promise<PublishDiagnosticsParams> {
    const diagnostics = this.nextDiagnostics(uri, (p) => p.version === version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return diagnostics;
  }

  async close(uri: string): Promise<PublishDiagnosticsParams> {
    const diagnostics = this.nextDiagnostics(
      uri,
      (p) => p.diagnostics.length === 0 && p.version === undefined,
    );
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    return diagnostics;
  }

  /** Polite shutdown; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) =>
      this.process.once('exit', (code) => resolve(code)),
    );
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
