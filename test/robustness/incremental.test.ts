// Incremental sync over stdio: random sequences of edits, sent as didChange with ranges (several
// changes per notification, sent without waiting, as a fast typist's editor does), leave the server
// with exactly the diagnostics of the final text opened fresh. Needs dist/server.js (npm run build).
//
// INCREMENTAL_SEED picks another seed; INCREMENTAL_RUNS multiplies the number of sequences.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from '../support/lsp-client';
import { ANYWHERE, startingDocuments, typedText } from '../support/typed-text';

const SEED = Number(process.env.INCREMENTAL_SEED) || 2025_07;
const RUNS = Number(process.env.INCREMENTAL_RUNS) || 1;
const SEQUENCES = Math.round(60 * RUNS);

const BASES: string[] = [
  ...startingDocuments(),
  `[pgbouncer]\r\npool_mode = transaction\r\n\r\n[databases]\r\n${Array.from({ length: 300 }, (_, i) => `db${i} = host=h${i % 4} port=5432 dbname=app${i} pool_size=${i % 30}`).join('\r\n')}\r\n`,
];

/** Text typed or pasted: pieces of configuration, line breaks of every kind, odd characters. */
const TYPED: Arbitrary<string> = typedText();

type EditSpec =
  | { kind: 'range'; from: number; to: number; text: string }
  | { kind: 'full'; text: string }
  | { kind: 'past-end'; text: string };

const EDIT: Arbitrary<EditSpec> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .record({
        from: ANYWHERE,
        length: fc.oneof(fc.constant(0), fc.nat(5), fc.nat(200)),
        text: fc.oneof(fc.constant(''), TYPED),
      })
      .map(({ from, length, text }) => ({ kind: 'range' as const, from, to: length, text })),
  },
  { weight: 1, arbitrary: TYPED.map((text) => ({ kind: 'full' as const, text })) },
  { weight: 1, arbitrary: TYPED.map((text) => ({ kind: 'past-end' as const, text })) },
);

/** Notifications, each with one to three changes. */
const SEQUENCE: Arbitrary<{ base: number; notifications: EditSpec[][] }> = fc.record({
  base: fc.nat(BASES.length - 1),
  notifications: fc.array(fc.array(EDIT, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 25 }),
});

/** The change as the editor would send it, against the document as it is at that moment. */
function toChange(document: TextDocument, spec: EditSpec): TextDocumentContentChangeEvent {
  const length = document.getText().length;
  if (spec.kind === 'full') return { text: spec.text };
  if (spec.kind === 'past-end') {
    // Clients do send positions past the end (a stale view of the document); both sides clamp.
    const end = { line: document.lineCount + 3, character: 7 };
    return { range: { start: end, end }, text: spec.text };
  }
  const start = Math.floor(spec.from * (length + 1));
  const end = Math.min(length, start + spec.to);
  return { range: { start: document.positionAt(start), end: document.positionAt(end) }, text: spec.text };
}

/** Diagnostics with the document's uri made neutral (related information names the file). */
function normalize(diagnostics: Diagnostic[], uri: string): unknown[] {
  return JSON.parse(
    JSON.stringify(diagnostics).split(JSON.stringify(uri).slice(1, -1)).join('$URI'),
  ) as unknown[];
}

let client: LspClient;
let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-incremental-'));
  client = await LspClient.start();
  client.settingsFor = () => ({ targetVersion: '1.21' });
});

after(async () => {
  const code = await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0);
});

test(
  `random edit sequences give the diagnostics of the final text opened fresh (${SEQUENCES} sequences)`,
  { timeout: 300_000 },
  async () => {
    const sequences = fc.sample(SEQUENCE, { seed: SEED, numRuns: SEQUENCES });
    let edits = 0;
    for (const [n, sequence] of sequences.entries()) {
      const uri = pathToFileURL(path.join(dir, `edited-${n}.ini`)).toString();
      const freshUri = pathToFileURL(path.join(dir, `fresh-${n}.ini`)).toString();
      let document = TextDocument.create(uri, 'pgbouncer-ini', 1, BASES[sequence.base]);
      await client.open(uri, document.getText(), 1);
      const sent: TextDocumentContentChangeEvent[][] = [];
      let final: Promise<{ diagnostics: Diagnostic[] }> | null = null;
      for (const [i, specs] of sequence.notifications.entries()) {
        const changes: TextDocumentContentChangeEvent[] = [];
        for (const spec of specs) {
          // Each change of a notification applies to the text the previous one left.
          const change = toChange(document, spec);
          document = TextDocument.update(document, [change], document.version);
          changes.push(change);
        }
        document = TextDocument.update(document, [], document.version + 1);
        sent.push(changes);
        edits += changes.length;
        // Back to back, without waiting for diagnostics in between (the server may skip versions).
        if (i === sequence.notifications.length - 1) final = client.change(uri, document.version, changes);
        else {
          await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: document.version },
            contentChanges: changes,
          });
        }
      }
      assert.ok(final);
      const edited = await final;
      const fresh = await client.open(freshUri, document.getText(), 1);
      const describe = (): string =>
        `sequence ${n} (seed ${SEED}) from base ${sequence.base}:\n` +
        sent.map((changes, i) => `  v${i + 2}: ${JSON.stringify(changes)}`).join('\n') +
        `\nfinal text: ${JSON.stringify(document.getText().slice(0, 3000))}`;
      assert.deepEqual(
        normalize(edited.diagnostics, uri),
        normalize(fresh.diagnostics, freshUri),
        describe(),
      );
      await client.close(uri);
      await client.close(freshUri);
    }
    console.log(`incremental: ${sequences.length} sequences, ${edits} changes, every final state as fresh`);
  },
);
