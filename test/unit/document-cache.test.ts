// The language server analyses a document again after every edit with what the previous analysis
// kept (DocumentCache): the unchanged lines' parse and connection strings, and what validation and
// the pool rules learnt about them. After any sequence of edits, that must give exactly what a
// fresh analysis of the same text gives: the same syntax tree and the same findings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { DocumentCache, lintText } from '../../server/src/analysis/engine';
import type { LintOptions } from '../../server/src/analysis/engine';
import { parse } from '../../server/src/syntax/parser';
import type { Item, ParsedFile } from '../../server/src/syntax/syntax';
import { memoryFileSystem } from '../support/memory-fs';
import { ANYWHERE, startingDocuments, typedText } from '../support/typed-text';

const SEED = Number(process.env.DOCUMENT_CACHE_SEED) || 2026_11;

const many = (count: number, eol: string): string =>
  Array.from(
    { length: count },
    (_, i) =>
      `db${i} = host=h${i % 4} port=${5432 + (i % 3)} dbname=app${i % 7} pool_size=${i % 30}${i % 11 === 0 ? ' user=u1' : ''}`,
  ).join(eol);

const BASES: string[] = [
  ...startingDocuments(),
  `[pgbouncer]\npool_mode = transaction\nmax_client_conn = 100\n%include extra.ini\n[databases]\n${many(120, '\n')}\n[users]\nu1 = pool_size=3\nu2 = max_user_connections=4\n`,
  `[pgbouncer]\r\npool_mode = transaction\r\n\r\n[databases]\r\n${many(80, '\r\n')}\r\n`,
  // The same value on several lines: each entry must keep a connection string of its own.
  `[databases]\n${Array.from({ length: 40 }, (_, i) => `d${i} = host=same dbname=same password=secret`).join('\n')}\n`,
];

const INCLUDED = '[databases]\nfrom_include = host=h1 dbname=x pool_size=2\n[pgbouncer]\n';

const TYPED: Arbitrary<string> = typedText(
  [
    'x',
    ' pool_size=500',
    ' user=u1',
    ' host=h2',
    "dbname='a b'",
    '%include extra.ini\n',
    // What the pool rules depend on besides each database: they keep pools between analyses.
    'default_pool_size = 7\n',
    'reserve_pool_size = 4\n',
    'reserve_pool_timeout = 0\n',
    'max_db_connections = 3\n',
    'min_pool_size = 9\n',
    ' reserve_pool=2',
    ' max_db_connections=1',
    ' min_pool_size=30',
    'u3 = pool_size=2\n',
    // What rules select among the databases (kept between analyses: incremental/kept-selections.ts).
    ' auth_user=au',
    ' auth_query=q',
    ' password=pw',
    ' pool_mode=statement',
    ' server_lifetime=999999',
    'logfile = \n',
    'auth_user = au\n',
  ],
  12,
);

interface Edit {
  from: number;
  length: number;
  text: string;
}

const EDIT: Arbitrary<Edit> = fc.record({
  from: ANYWHERE,
  length: fc.oneof(fc.constant(0), fc.constant(1), fc.nat(5), fc.nat(200)),
  text: fc.oneof(fc.constant(''), TYPED),
});

const SEQUENCE = fc.record({
  base: fc.nat(BASES.length - 1),
  edits: fc.array(EDIT, { minLength: 1, maxLength: 30 }),
  target: fc.constantFrom('1.18', '1.21', '1.25'),
});

function applyEdit(text: string, edit: Edit): string {
  const start = Math.floor(edit.from * (text.length + 1));
  const end = Math.min(text.length, start + edit.length);
  return text.slice(0, start) + edit.text + text.slice(end);
}

/** The syntax tree as plain data, spans read through their getters. */
function plainItems(parsed: ParsedFile): unknown[] {
  return parsed.items.map((item: Item) =>
    item.kind === 'entry'
      ? {
          kind: item.kind,
          span: item.span,
          key: { text: item.key.text, span: item.key.span, quoted: item.key.quoted },
          equalsOffset: item.equalsOffset,
          value: { text: item.value.text, span: item.value.span },
        }
      : JSON.parse(JSON.stringify(item)),
  );
}

test('a parse that reuses the previous one gives the tree of a fresh parse, edit after edit', () => {
  let edits = 0;
  for (const sequence of fc.sample(SEQUENCE, { seed: SEED, numRuns: 600 })) {
    let text = BASES[sequence.base];
    let previous = parse(text, { reusable: true });
    for (const edit of sequence.edits) {
      text = applyEdit(text, edit);
      const reused = parse(text, { previous });
      assert.deepEqual(plainItems(reused), plainItems(parse(text)), `after an edit, text:\n${text}`);
      assert.deepEqual(reused.lineIndex, parse(text).lineIndex);
      previous = reused;
      edits++;
    }
  }
  assert.ok(edits > 1000, `only ${edits} edits`);
});

test('a one-character edit reuses the entries of every other line', () => {
  const text = `[databases]\n${many(50, '\n')}\n`;
  const first = parse(text, { reusable: true });
  const firstItems = [...first.items]; // the next parse changes the array in place
  const at = text.indexOf('dbname=app3') + 'dbname=app3'.length;
  const second = parse(`${text.slice(0, at)}x${text.slice(at)}`, { previous: first });
  const kept = second.items.filter((item) => firstItems.includes(item));
  // The header and 49 entries are the same objects; only the edited line was read again.
  assert.equal(kept.length, second.items.length - 1);
});

/** What a user sees of an analysis: every finding, with its spans, fixes and related locations. */
function plainFindings(options: LintOptions, text: string): unknown {
  return JSON.parse(JSON.stringify(lintText(text, options).findings)) as unknown;
}

test('an analysis with the previous analyses of the document finds what a fresh one finds', () => {
  const fileSystem = memoryFileSystem({ '/cfg/extra.ini': INCLUDED }, ['/cfg']);
  let lints = 0;
  for (const sequence of fc.sample(SEQUENCE, { seed: SEED + 1, numRuns: 100 })) {
    const options: LintOptions = {
      filePath: '/cfg/pgbouncer.ini',
      targetVersion: sequence.target,
      fileSystem,
      useProjectFile: false,
    };
    const cache = new DocumentCache();
    let text = BASES[sequence.base];
    const cached = { ...options, cache };
    assert.deepEqual(plainFindings(cached, text), plainFindings(options, text));
    for (const [i, edit] of sequence.edits.entries()) {
      text = applyEdit(text, edit);
      // The target version changes now and then, as when the setting is changed.
      const withTarget = i % 7 === 6 ? { ...cached, targetVersion: '1.23' } : cached;
      assert.deepEqual(
        plainFindings(withTarget, text),
        plainFindings({ ...withTarget, cache: undefined }, text),
        `text:\n${text}`,
      );
      lints++;
    }
  }
  assert.ok(lints > 500, `only ${lints} lints`);
});

test('edits do not keep the texts of earlier versions alive', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // 2,000 entries, about 150 kB; every edit changes one line, so that every version of the text
  // has an item read from it. Kept alive through those items, 300 versions would be 45 MB.
  let text = `[databases]\n${many(2000, '\n')}\n`;
  const cache = new DocumentCache();
  const options: LintOptions = { filePath: '/cfg/pgbouncer.ini', useProjectFile: false, cache };
  lintText(text, options);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 300; i++) {
    const at = text.indexOf(`db${(i * 37) % 2000} =`);
    text = `${text.slice(0, at)}x${text.slice(at)}`;
    lintText(text, options);
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 8 * 1024 * 1024, `the heap grew by ${(grown / 1024 / 1024).toFixed(1)} MB`);
});

test('databases keep their pools between analyses only while what the pools depend on stays the same', () => {
  const head = (size: number, timeout: number) =>
    `[pgbouncer]\ndefault_pool_size = ${size}\nreserve_pool_size = 5\nreserve_pool_timeout = ${timeout}\n`;
  const databases = `[databases]\n${Array.from({ length: 300 }, (_, i) => `d${i} = host=h${i % 2} dbname=d${i}`).join('\n')}\n`;
  const cache = new DocumentCache();
  const steps: { text: string; target: string }[] = [
    { text: head(20, 5) + databases, target: '1.25' },
    { text: head(1, 5) + databases, target: '1.25' }, // every pool's size
    { text: head(1, 0) + databases, target: '1.25' }, // no pool takes its reserve any more
    { text: head(0, 0) + databases, target: '1.25' }, // size 0: no limit from 1.24 on
    { text: head(0, 0) + databases, target: '1.23' }, // ... but no connections before
    { text: head(0, 0) + databases.replace('d7 = host=h1', 'd7 = host=h1 pool_size=3'), target: '1.23' },
    { text: `${head(2, 5) + databases}[users]\nu1 = pool_size=4\n`, target: '1.25' },
    { text: head(2, 5) + databases, target: '1.25' },
  ];
  for (const [i, step] of steps.entries()) {
    const options: LintOptions = {
      filePath: '/cfg/pgbouncer.ini',
      targetVersion: step.target,
      useProjectFile: false,
    };
    const fresh = plainFindings(options, step.text);
    assert.deepEqual(plainFindings({ ...options, cache }, step.text), fresh, `step ${i}`);
    assert.ok(
      JSON.stringify(fresh).includes('pools-exceed-postgres-max-connections') || i >= 3,
      `step ${i} should be about the pools`,
    );
  }
});

test('sums over the pools kept between analyses give what a fresh analysis gives, edit after edit', () => {
  // Servers near PostgreSQL's limit (97 connections for ordinary roles), forced users capped together
  // by max_user_connections, unlimited pools (pool_size=0 from 1.24), and enough clients for the
  // file descriptor limit: edits move servers and the whole across those limits and back.
  const pooled = (count: number): string =>
    Array.from(
      { length: count },
      (_, i) =>
        `p${i} = host=S${i % 5} dbname=d${i} pool_size=${(i * 5) % 11}${i % 6 === 0 ? ` user=f${i % 4}` : ''}`,
    ).join('\n');
  const bases = [
    `[pgbouncer]\nmax_user_connections = 9\nmax_client_conn = 900\n[databases]\n${pooled(60)}\n`,
    `[pgbouncer]\nmax_client_conn = 960\nreserve_pool_size = 2\n[databases]\n${pooled(45)}\n`,
    // 93 or 94 connections on each server: a few more cross the limit of 97
    `[pgbouncer]\n[databases]\n${Array.from({ length: 50 }, (_, i) => `q${i} = host=N${i % 5} pool_size=${i % 3 === 0 ? 10 : 9}`).join('\n')}\n`,
  ];
  const typed = typedText(
    [
      ' pool_size=0',
      ' pool_size=40',
      ' pool_size=3',
      ' pool_size=12',
      ' pool_size=13',
      ' user=f1',
      ' user=f2',
      ' host=s1',
      ' host=other',
      'x',
      ' max_db_connections=2',
    ],
    6,
  );
  const edits = fc.array(
    fc.record({
      from: ANYWHERE,
      length: fc.oneof(fc.constant(0), fc.constant(1), fc.nat(12)),
      text: fc.oneof(fc.constant(''), typed),
    }),
    { minLength: 1, maxLength: 25 },
  );
  const sequences = fc.record({
    base: fc.nat(bases.length - 1),
    edits,
    target: fc.constantFrom('1.18', '1.25'),
  });
  const POOL_RULES = new Set([
    'pools-exceed-postgres-max-connections',
    'max-client-conn-fd-limit',
    'pool-exceeds-connection-limit',
    'min-pool-above-default',
    'max-db-connections-scope',
    'reserve-pool-without-timeout',
  ]);
  const seen = new Set<string>();
  let lints = 0;
  for (const sequence of fc.sample(sequences, { seed: SEED + 2, numRuns: 150 })) {
    const options: LintOptions = {
      filePath: '/cfg/pgbouncer.ini',
      targetVersion: sequence.target,
      useProjectFile: false,
      deferFixVerification: true,
    };
    const cache = new DocumentCache();
    let text = bases[sequence.base];
    for (const edit of sequence.edits) {
      text = applyEdit(text, edit);
      const fresh = lintText(text, options).findings.filter((finding) => POOL_RULES.has(finding.code));
      for (const finding of fresh) seen.add(finding.code);
      const kept = lintText(text, { ...options, cache }).findings.filter((finding) =>
        POOL_RULES.has(finding.code),
      );
      assert.deepEqual(JSON.parse(JSON.stringify(kept)), JSON.parse(JSON.stringify(fresh)), `text:\n${text}`);
      lints++;
    }
  }
  assert.ok(lints > 400, `only ${lints} lints`);
  // the edits reach each limit
  for (const code of ['pools-exceed-postgres-max-connections', 'max-client-conn-fd-limit'])
    assert.ok(seen.has(code), `no ${code} finding in any edit`);
});

test('a server crossing PostgreSQL limit by one connection is found by a kept analysis, in both directions', () => {
  // The 5 servers have 93 or 94 connections (N1: 93); PostgreSQL takes 97 from ordinary roles.
  const base = `[pgbouncer]\n[databases]\n${Array.from({ length: 50 }, (_, i) => `q${i} = host=N${i % 5} pool_size=${i % 3 === 0 ? 10 : 9}`).join('\n')}\n`;
  const sized = (size: number): string =>
    base.replace('q1 = host=N1 pool_size=9', `q1 = host=N1 pool_size=${size}`);
  const cache = new DocumentCache();
  const options: LintOptions = {
    filePath: '/cfg/pgbouncer.ini',
    targetVersion: '1.25',
    useProjectFile: false,
  };
  const steps: [text: string, over: boolean][] = [
    [base, false],
    [sized(13), false], // N1 at 97: at the limit
    [sized(14), true], // 98
    [sized(13), false],
    [sized(40), true],
    [base.replace('q1 = host=N1', 'q1 = host=N2'), true], // N2 gets 9 more
    [base, false],
  ];
  for (const [i, [text, over]] of steps.entries()) {
    const fresh = plainFindings(options, text);
    assert.deepEqual(plainFindings({ ...options, cache }, text), fresh, `step ${i}`);
    assert.equal(JSON.stringify(fresh).includes('pools-exceed-postgres-max-connections'), over, `step ${i}`);
  }
});

test('entries validation leaves out after an edit are those in which it finds and notes nothing', () => {
  // auth_user= creates a user: two names that PgBouncer cuts to the same 127 bytes collide, though
  // neither entry has a finding of its own. And a name that repeats is reported on its second line.
  const long = 'u'.repeat(130);
  const databases = Array.from({ length: 30 }, (_, i) => `d${i} = host=h${i % 3} dbname=d${i}`);
  databases[5] = `d5 = host=h2 dbname=d5 auth_user=${long}a`;
  databases[20] = `d20 = host=h2 dbname=d20 auth_user=${long}b`;
  const base = `[pgbouncer]\nauth_type = md5\n[databases]\n${databases.join('\n')}\n`;
  const cache = new DocumentCache();
  const options: LintOptions = {
    filePath: '/cfg/pgbouncer.ini',
    targetVersion: '1.25',
    useProjectFile: false,
  };
  const steps: [text: string, codes: string[]][] = [
    [base, ['name-too-long']],
    [base.replace('d11 = host=h2', 'd11 = host=h2x'), ['name-too-long']],
    [base.replace('d11 = host=h2', 'd3 = host=h2'), ['name-too-long', 'duplicate-database']],
    [base.replace('d12 = host=h0', 'd12 = host=h0x'), ['name-too-long']],
    [base.replace(`auth_user=${long}b`, 'auth_user=short'), []],
    [base, ['name-too-long']],
  ];
  for (const [i, [text, codes]] of steps.entries()) {
    const fresh = lintText(text, options).findings;
    assert.deepEqual(
      plainFindings({ ...options, cache }, text),
      JSON.parse(JSON.stringify(fresh)),
      `step ${i}`,
    );
    for (const code of ['name-too-long', 'duplicate-database'])
      assert.equal(
        fresh.some((finding) => finding.code === code),
        codes.includes(code),
        `step ${i}: ${code}`,
      );
  }
});
