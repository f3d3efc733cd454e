// The web-worker language server (dist/browser/server.js, for vscode.dev, github.dev and other
// browser hosts): the same wiring as the Node server (language-server.ts) over the worker's
// messages. Its files are the editor's: each look or read is a pgbouncer/readFile request to the
// client, which answers with vscode.workspace.fs, through the same snapshot as on Node (the analysis
// goes on without a file still being read and runs again when it arrives). No deployment audit:
// it walks folders on disk.

import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { RequestType } from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import type { SnapshotSource, Stamp } from './files/file-snapshot';
import { decodeBytes } from './files/text-codec';
import { startLanguageServer } from './language-server';
import { READ_FILE_REQUEST } from './protocol';
import type { ReadFileParams, ReadFileResult } from './protocol';

// The worker's global scope; tsconfig has no webworker lib (the rest of the server is Node's).
declare const self: ConstructorParameters<typeof BrowserMessageReader>[0];

const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self));
const readFileRequest = new RequestType<ReadFileParams, ReadFileResult, void>(READ_FILE_REQUEST);

function ask(filePath: string, maxBytes: number): Promise<ReadFileResult> {
  return connection
    .sendRequest(readFileRequest, { uri: pathToFileURL(filePath).toString(), maxBytes })
    .catch((error: unknown) => ({ kind: 'error', code: (error as Error).message ?? String(error) }) as const);
}

function stampOf(answer: ReadFileResult): Stamp | null {
  if (answer.kind === 'missing' || answer.kind === 'error') return null;
  return {
    kind: answer.kind,
    dev: 0,
    ino: 0,
    size: answer.size,
    mtimeMs: answer.mtime,
    ctimeMs: answer.ctime,
  };
}

function bytesOf(base64: string): Uint8Array {
  const binary = atob(base64);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const editorFiles: SnapshotSource = {
  stamp: async (filePath) => stampOf(await ask(filePath, 0)),
  read: async (filePath, maxBytes) => {
    const answer = await ask(filePath, maxBytes);
    switch (answer.kind) {
      case 'missing':
        return { problem: { kind: 'missing' } };
      case 'error':
        return {
          problem:
            answer.code === 'NoPermissions' ? { kind: 'permission' } : { kind: 'error', code: answer.code },
        };
      case 'directory':
        return { problem: { kind: 'not-regular', fileKind: 'directory' } };
      case 'other':
        return { problem: { kind: 'not-regular', fileKind: 'other' } };
      case 'file':
        if (answer.base64 === undefined)
          return { problem: { kind: 'too-large', size: answer.size, limit: maxBytes } };
        return { text: decodeBytes(bytesOf(answer.base64)) };
    }
  },
};

startLanguageServer(connection, {
  partialFileSystem: true,
  snapshotSource: editorFiles,
  // The drift warning of generated alert rules needs a synchronous read: desktop only.
  readSmallFile: () => undefined,
});
