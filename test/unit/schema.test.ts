// Checks schemas/pgbouncer-settings.json against its JSON Schema and against the rules the
// catalog promises: complete descriptions in our own words, consistent versions, counts per section.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { allSections, allSettings } from '../../server/src/catalog/catalog';

const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', 'schemas');
const DATA_PATH = path.join(SCHEMAS_DIR, 'pgbouncer-settings.json');
const SCHEMA_PATH = path.join(SCHEMAS_DIR, 'pgbouncer-settings.schema.json');
/** Git directory of PgBouncer's source, used to compare against its documentation when present. */
const PGBOUNCER_MIRROR = '/work/.mirror/pgbouncer+pgbouncer/repo';
const DOC_BASE = 'https://www.pgbouncer.org/config.html#';

interface Value {
  name: string;
  addedIn: string;
  removedIn?: string;
  description: string;
}

interface Entry {
  name: string;
  section: string;
  type: string;
  default: string | null;
  defaults?: { since: string; value: string | null }[];
  values?: Value[];
  unit?: string;
  range?: { min?: number; max?: number };
  zeroMeans?: string;
  recommended?: string;
  description: string;
  docAnchor: string;
}

interface Section {
  name: string;
  description: string;
  docAnchor: string;
}

interface Catalog {
  docBase: string;
  releases: string[];
  sections: Section[];
  settings: Entry[];
}

const raw: unknown = JSON.parse(fs.readFileSync(DATA_PATH, 'utf8'));
const schema: unknown = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8'));
const catalog = raw as Catalog;

const NUMERIC_TYPES = new Set(['int', 'uint', 'time']);

/** Every description in the file, with a label saying where it is. */
function allDescriptions(): { where: string; text: string }[] {
  const list: { where: string; text: string }[] = [];
  for (const section of catalog.sections)
    list.push({ where: `section [${section.name}]`, text: section.description });
  for (const entry of catalog.settings) {
    list.push({ where: `[${entry.section}] ${entry.name}`, text: entry.description });
    for (const value of entry.values ?? []) {
      list.push({ where: `[${entry.section}] ${entry.name} = ${value.name}`, text: value.description });
    }
  }
  return list;
}

/** Every version-valued field anywhere in the file, found by key name. */
function allVersions(): { where: string; version: string }[] {
  const keys = new Set(['addedIn', 'removedIn', 'since', 'reservedValuesSince', 'quotedKeysSince']);
  const found: { where: string; version: string }[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${where}[${index}]`));
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (keys.has(key)) {
          assert.equal(typeof value, 'string', `${where}.${key} should be a string`);
          found.push({ where: `${where}.${key}`, version: value as string });
        } else {
          walk(value, `${where}.${key}`);
        }
      }
    }
  };
  walk(raw, '$');
  return found;
}

/** Words of a text, lower-cased, ignoring punctuation and markup; "tlsv1.2" and "c-ares" stay one word. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+(?:[.-][a-z0-9_]+)*/g) ?? [];
}

/** Heading anchors of a Markdown page the way the PgBouncer site (Jekyll, kramdown GFM) builds them. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const match = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    const base = match[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- \t]/gu, '')
      .replace(/[ \t]/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function pgbouncerDoc(): string | null {
  if (!fs.existsSync(PGBOUNCER_MIRROR)) return null;
  return execFileSync(
    'git',
    ['-c', 'safe.directory=*', '-C', PGBOUNCER_MIRROR, 'show', 'HEAD:doc/config.md'],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

test('the settings file validates against its JSON Schema', () => {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(schema as object);
  const ok = validate(raw);
  assert.ok(ok, `schema violations:\n${JSON.stringify(validate.errors, null, 2)}`);
});

test('the file declares schema version 2 and points at its schema', () => {
  const top = raw as Record<string, unknown>;
  assert.equal(top.schemaVersion, 2);
  assert.equal(top.$schema, './pgbouncer-settings.schema.json');
});

test('every section has the expected number of settings', () => {
  const counts: Record<string, number> = {};
  for (const entry of catalog.settings) counts[entry.section] = (counts[entry.section] ?? 0) + 1;
  assert.deepEqual(counts, { pgbouncer: 101, databases: 23, users: 10, peers: 3 });
  assert.deepEqual(
    catalog.sections.map((s) => s.name),
    ['pgbouncer', 'databases', 'users', 'peers'],
  );
});

test('setting names are unique within each section', () => {
  const seen = new Set<string>();
  for (const entry of catalog.settings) {
    const key = `${entry.section}/${entry.name}`;
    assert.ok(!seen.has(key), `duplicate setting ${key}`);
    seen.add(key);
  }
});

test('every setting, section and enum value has a description', () => {
  for (const { where, text } of allDescriptions()) {
    assert.equal(typeof text, 'string', `${where}: description missing`);
    assert.ok(text.trim().length > 0, `${where}: description is empty`);
    assert.equal(text, text.trim(), `${where}: description has surrounding whitespace`);
    assert.match(text, /[.!?)]$/, `${where}: description should end with a full stop`);
  }
});

test('no description copies eight consecutive words of PgBouncer’s doc/config.md', (t) => {
  const doc = pgbouncerDoc();
  if (doc === null) {
    t.skip(`PgBouncer source mirror not found at ${PGBOUNCER_MIRROR}; cannot compare with doc/config.md`);
    return;
  }
  const RUN = 8;
  const docWords = words(doc);
  const docRuns = new Set<string>();
  for (let i = 0; i + RUN <= docWords.length; i++) docRuns.add(docWords.slice(i, i + RUN).join(' '));
  const copied: string[] = [];
  for (const { where, text } of allDescriptions()) {
    const own = words(text);
    for (let i = 0; i + RUN <= own.length; i++) {
      const run = own.slice(i, i + RUN).join(' ');
      if (docRuns.has(run)) copied.push(`${where}: "${run}"`);
    }
  }
  assert.deepEqual(copied, [], 'descriptions must be written in our own words');
});

test('releases are unique and in ascending order', () => {
  const parse = (v: string) => v.split('.').map(Number);
  for (let i = 1; i < catalog.releases.length; i++) {
    const a = parse(catalog.releases[i - 1]);
    const b = parse(catalog.releases[i]);
    const cmp = Math.max(a.length, b.length);
    let order = 0;
    for (let j = 0; j < cmp && order === 0; j++) order = (a[j] ?? 0) - (b[j] ?? 0);
    assert.ok(order < 0, `${catalog.releases[i - 1]} should come before ${catalog.releases[i]}`);
  }
});

test('every version field names a known release or "unreleased"', () => {
  const releases = new Set(catalog.releases);
  const isKnown = (version: string): boolean =>
    version === 'unreleased' ||
    releases.has(version) ||
    catalog.releases.some((release) => release.startsWith(`${version}.`));
  const versions = allVersions();
  assert.ok(versions.length > 137, 'expected version fields on every setting');
  for (const { where, version } of versions) {
    assert.ok(isKnown(version), `${where}: '${version}' is not a release`);
  }
});

test('enum settings list their values, with unique names', () => {
  for (const entry of catalog.settings) {
    if (entry.type !== 'enum') {
      assert.equal(entry.values, undefined, `[${entry.section}] ${entry.name}: values on a non-enum setting`);
      continue;
    }
    assert.ok(entry.values && entry.values.length > 0, `[${entry.section}] ${entry.name}: no values`);
    const names = entry.values.map((v) => v.name.toLowerCase());
    assert.equal(new Set(names).size, names.length, `[${entry.section}] ${entry.name}: duplicate values`);
    if (entry.default !== null) {
      assert.ok(
        names.includes(entry.default.toLowerCase()),
        `[${entry.section}] ${entry.name}: default not a value`,
      );
    }
    if (entry.recommended !== undefined) {
      assert.ok(
        names.includes(entry.recommended.toLowerCase()),
        `[${entry.section}] ${entry.name}: recommended value is not allowed`,
      );
    }
  }
});

test('default histories end with the current default', () => {
  for (const entry of catalog.settings) {
    if (!entry.defaults) continue;
    const last = entry.defaults[entry.defaults.length - 1];
    assert.equal(last.value, entry.default, `[${entry.section}] ${entry.name}: last history entry differs`);
  }
});

test('units, ranges and zero meanings appear only on numeric settings and fit the default', () => {
  for (const entry of catalog.settings) {
    const where = `[${entry.section}] ${entry.name}`;
    if (entry.unit !== undefined || entry.range !== undefined || entry.zeroMeans !== undefined) {
      assert.ok(NUMERIC_TYPES.has(entry.type), `${where}: unit/range/zeroMeans on a ${entry.type} setting`);
    }
    const range = entry.range;
    if (!range) continue;
    if (range.min !== undefined && range.max !== undefined)
      assert.ok(range.min <= range.max, `${where}: min > max`);
    if (entry.default === null || entry.unit === 'octal mode') continue;
    const value = Number(entry.default);
    assert.ok(Number.isFinite(value), `${where}: default '${entry.default}' is not a number`);
    if (range.min !== undefined) assert.ok(value >= range.min, `${where}: default below range`);
    if (range.max !== undefined) assert.ok(value <= range.max, `${where}: default above range`);
  }
});

test('documentation links point at headings that exist in doc/config.md', (t) => {
  const doc = pgbouncerDoc();
  if (doc === null) {
    t.skip(`PgBouncer source mirror not found at ${PGBOUNCER_MIRROR}; cannot check anchors`);
    return;
  }
  const anchors = headingAnchors(doc);
  const links = [
    ...catalog.sections.map((s) => ({
      where: `section [${s.name}]`,
      url: `${catalog.docBase}#${s.docAnchor}`,
    })),
    ...catalog.settings.map((s) => ({
      where: `[${s.section}] ${s.name}`,
      url: `${catalog.docBase}#${s.docAnchor}`,
    })),
  ];
  for (const { where, url } of links) {
    assert.ok(url.startsWith(DOC_BASE), `${where}: unexpected link ${url}`);
    const anchor = url.slice(DOC_BASE.length);
    assert.ok(anchors.has(anchor), `${where}: no heading with anchor #${anchor}`);
  }
});

test('the catalog gives every section and setting its documentation link: the page and its heading', () => {
  const linked = [...allSections(), ...allSettings()];
  assert.equal(linked.length, catalog.sections.length + catalog.settings.length);
  for (const item of linked) {
    assert.match(item.docUrl ?? '', /^https:\/\/www\.pgbouncer\.org\/config\.html#[a-z0-9_-]+$/, item.name);
  }
  const listenPort = allSettings().find((s) => s.name === 'listen_port');
  assert.equal(listenPort?.docUrl, 'https://www.pgbouncer.org/config.html#listen_port');
});
