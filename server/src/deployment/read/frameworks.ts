// Application framework configs that name a PostgreSQL connection: Prisma's schema.prisma, Spring
// Boot's application.properties / application.yml, Rails' config/database.yml. Each reader returns
// the settings with the exact place of every value, and the problems it met; nothing is evaluated
// beyond the few forms the frameworks document for reading the environment.

import { isMap } from 'yaml';
import type { Document } from 'yaml';
import type { Span } from '../../syntax/syntax';
import type { ParsedUrl, ReadProblem, SourceValue } from './types';
import { parseConnectionUrl, preparedStatementsOf, prismaConnectionLimit } from './urls';
import { entriesOf, parseYamlFile, scalarText, sourceValue, spanOf } from './yaml-source';
import type { YamlFile, YamlNode } from './yaml-source';

export interface EnvRef {
  /** The environment variable read. */
  name: string;
  /** The value used when the variable is not set, where it is written. */
  fallback?: SourceValue;
  /** The whole reference: env("X"), ${X:default}, <%= ENV['X'] %>. */
  at: SourceValue;
}

export interface AppSetting {
  /** schema.prisma: `db.url`; Spring: the property (`spring.datasource.url`); Rails: `production.url` or `production`. */
  setting: string;
  framework: 'prisma' | 'spring' | 'rails';
  /** A literal connection string (or, for Rails parts, the host's value). */
  value?: SourceValue;
  /** The connection string read as its client reads it, when value holds one (or Rails parts build one). */
  url?: ParsedUrl;
  /** The value is an environment variable (the whole value). */
  envRef?: EnvRef;
  /** Variables named inside a longer value (Spring `jdbc:postgresql://${DB_HOST:localhost}/app`): value has their fallbacks put in. */
  placeholders?: EnvRef[];
  purpose: 'runtime' | 'migration' | 'admin';
  /** The pool size; `defaulted` says whose default it is when nothing in the file sets it. */
  poolSize?: { size: number; at: SourceValue; defaulted?: string };
  /** The variable the pool size is read from, when it is (Rails `ENV.fetch("RAILS_MAX_THREADS") { 5 }`). */
  poolSizeEnv?: { name: string; at: SourceValue };
  preparedStatements?: { on: boolean; at: SourceValue; why: string };
  /** Rails `advisory_locks` (migrations take an advisory lock; default on). */
  advisoryLocks?: { on: boolean; at: SourceValue };
  /** Rails environment (production, …) or Spring profile; undefined for Spring's default profile. */
  environment?: string;
}

export interface FrameworkRead {
  settings: AppSetting[];
  problems: ReadProblem[];
}

/** Longer files are not read. */
const MAX_TEXT = 2 * 1024 * 1024;

function tooLong(path: string, text: string): FrameworkRead | undefined {
  if (text.length <= MAX_TEXT) return undefined;
  return {
    settings: [],
    problems: [
      {
        file: path,
        span: { start: 0, end: 0 },
        message: `The file is larger than ${MAX_TEXT} characters and was not read.`,
        severity: 'warning',
        code: 'file-too-large',
      },
    ],
  };
}

/** The reader for a file by its name, or undefined when none reads it. */
export function readAppConfig(path: string, text: string): FrameworkRead | undefined {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  if (base.endsWith('.prisma')) return readPrismaSchema(path, text);
  const spring = /^(?:application|bootstrap)(?:-([^.]+))?\.(properties|ya?ml)$/.exec(base);
  if (spring)
    return spring[2] === 'properties'
      ? readSpringProperties(path, text, spring[1])
      : readSpringYaml(path, text, spring[1]);
  if (base === 'database.yml' || base === 'database.yaml') return readRailsDatabaseYml(path, text);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Prisma (schema reference: datasource block; url, directUrl, shadowDatabaseUrl)

const PRISMA_PURPOSE: Record<string, AppSetting['purpose']> = {
  url: 'runtime',
  directUrl: 'migration',
  shadowDatabaseUrl: 'migration',
};

/** Prisma string literal at i (a '"'): its text with escapes read and its end, or undefined if unterminated. */
function prismaString(text: string, i: number): { value: string; end: number } | undefined {
  let value = '';
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\n') return undefined;
    if (c === '\\' && j + 1 < text.length) {
      const next = text[++j];
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else if (c === '"') return { value, end: j + 1 };
    else value += c;
  }
  return undefined;
}

export function readPrismaSchema(path: string, text: string): FrameworkRead {
  const big = tooLong(path, text);
  if (big) return big;
  const settings: AppSetting[] = [];
  const problems: ReadProblem[] = [];
  const at = (value: string, span: Span): SourceValue => ({ text: value, file: path, span });
  const blocks = /^[ \t]*datasource[ \t]+(\w+)[ \t]*\{/gm;
  for (let block = blocks.exec(text); block; block = blocks.exec(text)) {
    const name = block[1];
    const close = text.indexOf('\n}', block.index);
    const body = { start: block.index + block[0].length, end: close < 0 ? text.length : close + 1 };
    const found: { key: string; value?: SourceValue; envRef?: EnvRef }[] = [];
    let provider: string | undefined;
    const line = /^[ \t]*(\w+)[ \t]*=[ \t]*/gm;
    line.lastIndex = body.start;
    for (let m = line.exec(text); m && m.index < body.end; m = line.exec(text)) {
      const key = m[1];
      const start = m.index + m[0].length;
      if (text[start] === '"') {
        const literal = prismaString(text, start);
        if (!literal) {
          problems.push({
            file: path,
            span: { start, end: text.indexOf('\n', start) < 0 ? text.length : text.indexOf('\n', start) },
            message: `The string of "${key}" has no closing quote.`,
            severity: 'error',
            code: 'prisma-syntax',
          });
          continue;
        }
        if (key === 'provider') provider = literal.value;
        else found.push({ key, value: at(literal.value, { start, end: literal.end }) });
        continue;
      }
      const env = /^env\(\s*"([^"\n]*)"\s*\)/.exec(text.slice(start, start + 300));
      if (env) {
        const span = { start, end: start + env[0].length };
        found.push({ key, envRef: { name: env[1], at: at(env[0], span) } });
      }
    }
    if (provider !== undefined && !/^(postgresql|postgres)$/.test(provider)) continue;
    for (const one of found) {
      const purpose = PRISMA_PURPOSE[one.key];
      if (purpose === undefined) continue;
      const setting: AppSetting = { setting: `${name}.${one.key}`, framework: 'prisma', purpose };
      if (one.envRef) setting.envRef = one.envRef;
      if (one.value) {
        setting.value = one.value;
        const url = parseConnectionUrl(one.value.text);
        if (url) {
          setting.url = url;
          const limit = prismaConnectionLimit(url);
          if (limit !== undefined) setting.poolSize = { size: limit, at: one.value };
          const prepared = preparedStatementsOf(url, 'prisma');
          if (prepared) setting.preparedStatements = { ...prepared, at: one.value };
        }
      }
      settings.push(setting);
    }
  }
  return { settings, problems };
}

// ---------------------------------------------------------------------------------------------
// Spring Boot

/** A Spring placeholder `${NAME}` / `${NAME:default}` found in a value. */
interface Placeholder {
  name: string;
  fallback?: string;
  /** Offsets in the value's text. */
  start: number;
  end: number;
  fallbackStart?: number;
}

function placeholdersIn(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  let i = 0;
  while (found.length < 64) {
    const open = text.indexOf('${', i);
    if (open < 0) break;
    // The matching '}', nested placeholders in the default counted.
    let depth = 0;
    let close = -1;
    for (let j = open + 2; j < text.length; j++) {
      if (text.startsWith('${', j)) {
        depth++;
        j++;
      } else if (text[j] === '}') {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      }
    }
    if (close < 0) break;
    const inner = text.slice(open + 2, close);
    const colon = inner.indexOf(':');
    found.push(
      colon < 0
        ? { name: inner.trim(), start: open, end: close + 1 }
        : {
            name: inner.slice(0, colon).trim(),
            fallback: inner.slice(colon + 1),
            start: open,
            end: close + 1,
            fallbackStart: open + 2 + colon + 1,
          },
    );
    i = close + 1;
  }
  return found;
}

/**
 * The span in the file of the characters [from, to) of a value. Exact when the value's text is the
 * file's text at its span (most values); otherwise the whole value's span.
 */
function subSpan(value: SourceValue, fileText: string, from: number, to: number): Span {
  const written = fileText.slice(value.span.start, value.span.end);
  const offset = written.indexOf(value.text);
  if (offset < 0) return value.span;
  return { start: value.span.start + offset + from, end: value.span.start + offset + to };
}

/** A Spring value with its placeholders read: a whole-value reference, or placeholders in a longer one. */
function springValue(
  value: SourceValue,
  fileText: string,
): { text: string; whole?: EnvRef; parts: EnvRef[] } {
  const found = placeholdersIn(value.text);
  const ref = (p: Placeholder): EnvRef => {
    const r: EnvRef = {
      name: p.name,
      at: {
        text: value.text.slice(p.start, p.end),
        file: value.file,
        span: subSpan(value, fileText, p.start, p.end),
      },
    };
    if (p.fallback !== undefined && p.fallbackStart !== undefined)
      r.fallback = {
        text: p.fallback,
        file: value.file,
        span: subSpan(value, fileText, p.fallbackStart, p.fallbackStart + p.fallback.length),
      };
    return r;
  };
  if (found.length === 1 && found[0].start === 0 && found[0].end === value.text.length)
    return { text: found[0].fallback ?? '', whole: ref(found[0]), parts: [] };
  let text = '';
  let last = 0;
  for (const p of found) {
    text += value.text.slice(last, p.start) + (p.fallback ?? value.text.slice(p.start, p.end));
    last = p.end;
  }
  text += value.text.slice(last);
  return { text, parts: found.map(ref) };
}

/** Relaxed binding: `maximumPoolSize`, `maximum-pool-size` and `maximum_pool_size` are one property. */
function canonical(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

const SPRING_URLS: Record<string, { purpose: AppSetting['purpose']; prefix: string }> = {
  'spring.datasource.url': { purpose: 'runtime', prefix: 'spring.datasource' },
  'spring.datasource.jdbcurl': { purpose: 'runtime', prefix: 'spring.datasource' },
  'spring.datasource.hikari.jdbcurl': { purpose: 'runtime', prefix: 'spring.datasource' },
  'spring.flyway.url': { purpose: 'migration', prefix: 'spring.flyway' },
  'spring.liquibase.url': { purpose: 'migration', prefix: 'spring.liquibase' },
};

interface SpringDocument {
  profile?: string;
  entries: Map<string, { key: string; value: SourceValue }>;
}

/** Settings of Spring documents (one per `---`/`#---` document), each with its profile. */
function springSettings(documents: SpringDocument[], fileText: string): AppSetting[] {
  const settings: AppSetting[] = [];
  for (const document of documents) {
    const pool = document.entries.get('spring.datasource.hikari.maximumpoolsize');
    for (const [canon, kind] of Object.entries(SPRING_URLS)) {
      const entry = document.entries.get(canon);
      if (!entry) continue;
      const setting: AppSetting = { setting: entry.key, framework: 'spring', purpose: kind.purpose };
      if (document.profile !== undefined) setting.environment = document.profile;
      const read = springValue(entry.value, fileText);
      if (read.whole) setting.envRef = read.whole;
      else {
        setting.value = { ...entry.value, text: read.text };
        if (read.parts.length > 0) setting.placeholders = read.parts;
      }
      const urlText = read.whole ? read.whole.fallback?.text : read.text;
      const url = urlText === undefined ? undefined : parseConnectionUrl(urlText);
      if (url && !read.whole) setting.url = url;
      if (url && setting.value) {
        const prepared = preparedStatementsOf(url);
        if (prepared) setting.preparedStatements = { ...prepared, at: setting.value };
      }
      if (kind.prefix === 'spring.datasource') {
        const size = pool ? Number(springValue(pool.value, fileText).text) : NaN;
        if (pool && Number.isInteger(size) && size > 0) setting.poolSize = { size, at: pool.value };
        else if (!pool)
          // HikariCP's HikariConfig: DEFAULT_POOL_SIZE = 10, Spring Boot's default DataSource pool.
          setting.poolSize = {
            size: 10,
            at: entry.value,
            defaulted:
              'HikariCP default (maximumPoolSize 10): spring.datasource.hikari.maximum-pool-size is not set here',
          };
      }
      settings.push(setting);
    }
  }
  return settings;
}

/** Java's Properties.load: logical lines, `\` continuations, `#`/`!` comments, key ends at `=`, `:` or a blank. */
export function readSpringProperties(path: string, text: string, fileProfile?: string): FrameworkRead {
  const big = tooLong(path, text);
  if (big) return big;
  const documents: SpringDocument[] = [{ profile: fileProfile, entries: new Map() }];
  let i = 0;
  const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\f';
  while (i < text.length) {
    // Skip leading blanks of a natural line.
    while (i < text.length && isBlank(text[i])) i++;
    if (text[i] === '\n' || text[i] === '\r') {
      i++;
      continue;
    }
    if (text[i] === '#' || text[i] === '!') {
      const eol = text.slice(i).search(/[\r\n]/);
      const line = text.slice(i, eol < 0 ? text.length : i + eol);
      // Spring Boot 2.4+: `#---` or `!---` alone on a line starts a new document.
      if (/^[#!]---\s*$/.test(line)) documents.push({ profile: fileProfile, entries: new Map() });
      i = eol < 0 ? text.length : i + eol;
      continue;
    }
    // A logical line: ends at a line break not escaped by an odd number of backslashes.
    let key = '';
    let value = '';
    let inKey = true;
    let valueStart = -1;
    let skipBlanksBeforeSeparator = false;
    let end = i;
    while (end < text.length) {
      const c = text[end];
      if (c === '\n' || c === '\r') break;
      if (c === '\\') {
        const next = text[end + 1];
        if (next === '\n' || next === '\r' || next === undefined) {
          // Continuation: skip the break and the next line's leading blanks.
          end += next === '\r' && text[end + 2] === '\n' ? 3 : 2;
          while (end < text.length && isBlank(text[end])) end++;
          continue;
        }
        let ch = next;
        let width = 2;
        if (next === 't') ch = '\t';
        else if (next === 'n') ch = '\n';
        else if (next === 'r') ch = '\r';
        else if (next === 'f') ch = '\f';
        else if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(end + 2, end + 6))) {
          ch = String.fromCharCode(parseInt(text.slice(end + 2, end + 6), 16));
          width = 6;
        }
        if (inKey) key += ch;
        else {
          if (valueStart < 0) valueStart = end;
          value += ch;
        }
        end += width;
        continue;
      }
      if (inKey) {
        if (c === '=' || c === ':' || isBlank(c)) {
          inKey = false;
          skipBlanksBeforeSeparator = isBlank(c);
          end++;
          // Blanks, then at most one '=' or ':' (when the key ended at a blank), then blanks.
          while (end < text.length && isBlank(text[end])) end++;
          if (skipBlanksBeforeSeparator && (text[end] === '=' || text[end] === ':')) {
            end++;
            while (end < text.length && isBlank(text[end])) end++;
          }
          continue;
        }
        key += c;
      } else {
        if (valueStart < 0) valueStart = end;
        value += c;
      }
      end++;
    }
    if (key !== '') {
      const start = valueStart < 0 ? end : valueStart;
      const sv: SourceValue = { text: value, file: path, span: { start, end } };
      const document = documents[documents.length - 1];
      if (canonical(key) === 'spring.config.activate.onprofile' || canonical(key) === 'spring.profiles')
        document.profile = value.trim();
      document.entries.set(canonical(key), { key, value: sv });
    }
    i = end;
  }
  return { settings: springSettings(documents, text), problems: [] };
}

/** YAML maps flattened to dotted keys, scalars only (Spring reads `a: {b: x}` and `a.b: x` alike). */
function flatten(
  file: YamlFile,
  document: Document.Parsed,
  node: YamlNode | null,
  prefix: string,
  into: Map<string, { key: string; value: SourceValue }>,
  depth: number,
): void {
  if (depth > 32) return;
  for (const entry of entriesOf(document, node)) {
    const key = prefix === '' ? entry.key : `${prefix}.${entry.key}`;
    if (isMap(entry.value)) flatten(file, document, entry.value, key, into, depth + 1);
    else {
      const value = sourceValue(file, entry.value);
      if (value) into.set(canonical(key), { key, value });
    }
  }
}

export function readSpringYaml(path: string, text: string, fileProfile?: string): FrameworkRead {
  const big = tooLong(path, text);
  if (big) return big;
  const file = parseYamlFile(path, text);
  const documents: SpringDocument[] = [];
  for (const document of file.documents) {
    const entries = new Map<string, { key: string; value: SourceValue }>();
    flatten(file, document, document.contents as YamlNode | null, '', entries, 0);
    const profile =
      entries.get('spring.config.activate.onprofile')?.value.text ??
      entries.get('spring.profiles')?.value.text;
    documents.push({ profile: profile ?? fileProfile, entries });
  }
  return { settings: springSettings(documents, text), problems: file.problems };
}

// ---------------------------------------------------------------------------------------------
// Rails config/database.yml

interface ErbSpan {
  start: number;
  end: number;
  code: string;
  output: boolean;
}

/**
 * ERB spans replaced by text of the same length so that the YAML parses and every offset stays: an
 * output tag `<%= … %>` by a token `ERB<n>` padded with '_' (a plain scalar), other tags by blanks.
 * Line breaks inside a tag are kept.
 */
function blankErb(text: string): { text: string; spans: ErbSpan[] } {
  const spans: ErbSpan[] = [];
  let out = '';
  let last = 0;
  const tag = /<%(=|#|-)?([\s\S]*?)-?%>/g;
  for (let m = tag.exec(text); m && spans.length < 10_000; m = tag.exec(text)) {
    const output = m[1] === '=';
    const code = m[2].trim();
    const span: ErbSpan = { start: m.index, end: m.index + m[0].length, code, output };
    let fill: string;
    if (output) {
      const token = `ERB${spans.length}`;
      fill =
        token.length + 1 <= m[0].length
          ? (token + '_'.repeat(m[0].length)).slice(0, m[0].length)
          : 'E'.repeat(m[0].length);
    } else fill = ' '.repeat(m[0].length);
    // Keep line breaks so that lines stay lines.
    fill = [...fill].map((c, k) => (m[0][k] === '\n' || m[0][k] === '\r' ? m[0][k] : c)).join('');
    spans.push(span);
    out += text.slice(last, m.index) + fill;
    last = span.end;
  }
  return { text: out + text.slice(last), spans };
}

/** What an ERB expression reads from the environment, in the forms Rails apps write. */
function erbEnv(code: string): { name: string; fallback?: string; fallbackAt?: number } | undefined {
  const quoted = `['"]([A-Za-z_][A-Za-z0-9_]*)['"]`;
  const index = new RegExp(`^ENV\\[${quoted}\\]`).exec(code);
  const fetch = new RegExp(`^ENV\\.fetch\\(\\s*${quoted}\\s*(?:,\\s*)?`).exec(code);
  const head = index ?? fetch;
  if (!head) return undefined;
  const rest = code.slice(head[0].length);
  // ENV.fetch("X", "default") / ENV.fetch("X") { 5 } / ENV["X"] || "default"; a trailing .to_i is fine.
  const literal = /^(?:\)\s*\{\s*|\|\|\s*|)(?:(['"])(.*?)\1|(\d+))/.exec(
    fetch ? rest.replace(/^\)\s*\{/, ') {') : rest.replace(/^\s*/, ''),
  );
  if (literal) {
    const fallback = literal[2] ?? literal[3];
    const inCode =
      code.indexOf(literal[0], head[0].length) + literal[0].length - fallback.length - (literal[1] ? 1 : 0);
    return { name: head[1], fallback, fallbackAt: inCode };
  }
  return { name: head[1] };
}

const RAILS_ADAPTERS = /^(postgresql|postgis|postgres)$/;

export function readRailsDatabaseYml(path: string, text: string): FrameworkRead {
  const big = tooLong(path, text);
  if (big) return big;
  const blanked = blankErb(text);
  const file = parseYamlFile(path, blanked.text);
  file.text = text;
  const settings: AppSetting[] = [];
  const problems = file.problems;
  const erbAt = (node: YamlNode | null): ErbSpan | undefined => {
    const span = spanOf(node);
    return blanked.spans.find((e) => e.output && e.start >= span.start && e.end <= span.end);
  };
  /** A scalar's value, its ERB read; env set when the value is an ENV reference. */
  const read = (node: YamlNode | null): { value?: SourceValue; env?: EnvRef } => {
    const value = sourceValue(file, node);
    if (!value) return {};
    const erb = erbAt(node);
    if (!erb) return { value };
    const at: SourceValue = {
      text: text.slice(erb.start, erb.end),
      file: path,
      span: { start: erb.start, end: erb.end },
    };
    const env = erbEnv(erb.code);
    if (!env) return {}; // Ruby we do not evaluate.
    const ref: EnvRef = { name: env.name, at };
    if (env.fallback !== undefined && env.fallbackAt !== undefined) {
      const codeStart = text.indexOf(erb.code, erb.start);
      const start = codeStart + env.fallbackAt;
      ref.fallback = { text: env.fallback, file: path, span: { start, end: start + env.fallback.length } };
    }
    return { env: ref };
  };
  for (const document of file.documents) {
    for (const environment of entriesOf(document, document.contents)) {
      // `default: &default` is the template the environments merge, not an environment anyone runs.
      if (!isMap(environment.value) || environment.key === 'default') continue;
      const own = entriesOf(document, environment.value);
      const isConfig = own.some((e) => ['adapter', 'url', 'database', 'host'].includes(e.key));
      // Rails 6 multiple databases: production: { primary: {...}, cache: {...} }.
      const configs = isConfig
        ? [{ name: environment.key, entries: own }]
        : own
            .filter((e) => isMap(e.value))
            .map((e) => ({ name: `${environment.key}.${e.key}`, entries: entriesOf(document, e.value) }));
      for (const config of configs) {
        const get = (key: string): YamlNode | null | undefined =>
          config.entries.find((e) => e.key === key)?.value;
        const adapter = scalarText(get('adapter'));
        const urlNode = get('url');
        const urlRead = urlNode === undefined ? {} : read(urlNode);
        const urlText = urlRead.value?.text ?? urlRead.env?.fallback?.text;
        const url = urlText !== undefined ? parseConnectionUrl(urlText) : undefined;
        if (adapter !== undefined && !RAILS_ADAPTERS.test(adapter) && !(url && adapter === '')) continue;
        if (adapter === undefined && !url && !urlRead.env) continue;
        const setting: AppSetting = {
          setting: urlNode !== undefined ? `${config.name}.url` : config.name,
          framework: 'rails',
          purpose: /migrat|admin/i.test(config.name) ? 'migration' : 'runtime',
          environment: environment.key,
        };
        if (urlRead.env) setting.envRef = urlRead.env;
        else if (urlRead.value) {
          setting.value = urlRead.value;
          if (url) setting.url = url;
        } else {
          // Parts: the host's value stands for the connection; url is built as libpq keywords.
          const parts: string[] = [];
          let anchor: SourceValue | undefined;
          for (const [key, keyword] of [
            ['host', 'host'],
            ['port', 'port'],
            ['database', 'dbname'],
            ['username', 'user'],
            ['sslmode', 'sslmode'],
          ]) {
            const node = get(key);
            if (node === undefined) continue;
            const part = read(node);
            const partText = part.value?.text ?? part.env?.fallback?.text;
            if (key === 'host') {
              if (part.env) setting.envRef = part.env;
              anchor = part.value ?? part.env?.at;
            }
            if (partText !== undefined && partText !== '')
              parts.push(`${keyword}='${partText.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
          }
          if (!anchor) {
            const database = get('database');
            anchor = database === undefined ? undefined : (read(database).value ?? read(database).env?.at);
          }
          if (anchor) setting.value = anchor;
          const built = parts.length > 0 ? parseConnectionUrl(parts.join(' ')) : undefined;
          if (built) setting.url = built;
          if (get('password') !== undefined) {
            if (setting.url) setting.url = { ...setting.url, hasPassword: true };
          }
        }
        const poolNode = get('pool');
        if (poolNode !== undefined) {
          const pool = read(poolNode);
          const size = Number(pool.value?.text ?? pool.env?.fallback?.text);
          const at = pool.env?.fallback ?? pool.value;
          if (pool.env) setting.poolSizeEnv = { name: pool.env.name, at: pool.env.at };
          if (Number.isInteger(size) && size > 0 && at) setting.poolSize = { size, at };
        } else {
          const anchorAt = setting.value ?? setting.envRef?.at;
          // ActiveRecord's DatabaseConfigurations::HashConfig#pool: 5 when `pool` is not set.
          if (anchorAt)
            setting.poolSize = {
              size: 5,
              at: anchorAt,
              defaulted: 'ActiveRecord default (pool 5): no pool: here',
            };
        }
        const prepared = get('prepared_statements');
        const preparedText = prepared === undefined ? undefined : scalarText(prepared);
        const at =
          prepared !== undefined ? sourceValue(file, prepared) : (setting.value ?? setting.envRef?.at);
        const urlPrepared = url?.params.get('prepared_statements');
        if (preparedText !== undefined && at)
          setting.preparedStatements = {
            on: preparedText !== 'false',
            at,
            why: preparedText === 'false' ? 'prepared_statements: false' : 'prepared_statements is on',
          };
        else if (urlPrepared !== undefined && at)
          setting.preparedStatements = {
            on: urlPrepared !== 'false',
            at,
            why: `prepared_statements=${urlPrepared} in the URL`,
          };
        else if (at)
          // ActiveRecord's PostgreSQLAdapter: prepared statements are on unless set to false.
          setting.preparedStatements = {
            on: true,
            at,
            why: 'Rails keeps prepared statements by default (prepared_statements is not set to false)',
          };
        const locks = get('advisory_locks');
        const locksAt = locks !== undefined ? sourceValue(file, locks) : undefined;
        if (locksAt) setting.advisoryLocks = { on: locksAt.text !== 'false', at: locksAt };
        settings.push(setting);
      }
    }
  }
  return { settings, problems };
}
