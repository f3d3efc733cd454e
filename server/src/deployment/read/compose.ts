// Docker Compose projects as Compose v2 reads them (the Compose specification: 05-services.md,
// 12-interpolation.md, 13-merge.md; compose-go override/merge.go and override/uncity.go):
//   - every scalar value is interpolated with the variables of the `.env` beside the first file, per
//     file, before merging; the process environment is not used, so the result is reproducible;
//   - several files are merged in order: maps key by key, `environment`, `env_file` and network
//     aliases by name, `ports` by the port as written, `expose` by value, `volumes` by target,
//     `command`, `entrypoint`, `healthcheck.test`, `image` and `ulimits.nofile` replaced; `!reset`
//     clears a value and `!override` replaces it whole (13-merge.md);
//   - relative paths (bind mounts, env_file) are resolved against the project directory, the first
//     file's folder, as Compose does for every file of a `-f` list.
// `extends:` (same file or another) is applied per file, before the files are merged, as compose-go does.
// Each value keeps the file and span of the file that gave it. Not read here (out of scope): `include:`,
// profiles, and `-f` lists found elsewhere (a Makefile, COMPOSE_FILE).

import * as nodePath from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Span } from '../../syntax/syntax';
import { parseEnvFile } from './env-file';
import { interpolate } from './interpolate';
import type { EnvVar, Mount, PublishedPort, ReadProblem, SourceValue, Workload } from './types';
import { entriesOf, getEntry, itemsOf, parseYamlFile, spanOf } from './yaml-source';
import type { YamlEntry, YamlFile } from './yaml-source';

export interface ComposeProject {
  workloads: Workload[];
  problems: ReadProblem[];
  /** The variables of the `.env` beside the first compose file (what interpolation used). */
  variables: EnvVar[];
}

/** A port range longer than this is not expanded into single ports. */
const MAX_RANGE = 1024;

// ---------------------------------------------------------------------------------------------
// One file's reading context: interpolation of each scalar once (a merged anchor is read by several
// services; its problems are reported once).

interface FileContext {
  yaml: YamlFile;
  doc: Document.Parsed;
  lookup: (name: string) => string | undefined;
  problems: ReadProblem[];
  cache: Map<Node, SourceValue | undefined>;
  /** Another compose file (an `extends: file:`), read and parsed once; undefined when it cannot be read. */
  load: (path: string) => FileContext | undefined;
}

function problemAt(
  ctx: FileContext,
  span: Span,
  message: string,
  code = 'compose-value',
  severity: ReadProblem['severity'] = 'warning',
): void {
  ctx.problems.push({ file: ctx.yaml.path, span, message, severity, code });
}

/** A scalar's value as Compose sees it (strings interpolated), where it is written. */
function value(ctx: FileContext, node: Node | null | undefined): SourceValue | undefined {
  if (!node || !isScalar(node)) return undefined;
  if (ctx.cache.has(node)) return ctx.cache.get(node);
  const span = spanOf(node);
  let text: string;
  if (node.value === null || node.value === undefined) text = '';
  else if (typeof node.value === 'string') {
    const result = interpolate(node.value, ctx.lookup);
    for (const message of result.problems) problemAt(ctx, span, message, 'compose-interpolation', 'error');
    for (const name of result.unset) {
      problemAt(
        ctx,
        span,
        `The variable ${name} is not set; Compose substitutes an empty string`,
        'compose-unset-variable',
      );
    }
    text = result.text;
  } else text = node.source ?? String(node.value);
  const result = { text, file: ctx.yaml.path, span };
  ctx.cache.set(node, result);
  return result;
}

/** A string or a list of strings (command, entrypoint, healthcheck test), joined with spaces, where written. */
function words(ctx: FileContext, node: Node | null): { words: string[]; at: SourceValue } | undefined {
  if (!node) return undefined;
  if (isScalar(node)) {
    const one = value(ctx, node);
    return one && { words: [one.text], at: one };
  }
  if (isSeq(node)) {
    const parts = itemsOf(ctx.doc, node).map((item) => value(ctx, item)?.text ?? '');
    return { words: parts, at: { text: parts.join(' '), file: ctx.yaml.path, span: spanOf(node) } };
  }
  return undefined;
}

function entry(ctx: FileContext, node: unknown, key: string): YamlEntry | undefined {
  return getEntry(ctx.doc, node, key);
}

type MergeMode = 'merge' | 'reset' | 'override';
function modeOf(node: Node | null): MergeMode {
  const tag = node && 'tag' in node ? node.tag : undefined;
  return tag === '!reset' ? 'reset' : tag === '!override' ? 'override' : 'merge';
}

// ---------------------------------------------------------------------------------------------
// What one file says about one service.

interface EnvEntry {
  name: string;
  nameSpan: Span;
  /** undefined: `- NAME` or `NAME:` with no value, taken from the `.env` variables when set there. */
  value?: SourceValue;
  file: string;
}

interface Keyed<T> {
  key: string;
  item: T;
}

interface EnvFileRef {
  path: string;
  required: boolean;
  at: SourceValue;
}

interface Health {
  command?: string;
  none?: boolean;
  at?: SourceValue;
  disabled?: { on: boolean; at: SourceValue };
}

interface Layer {
  name: string;
  file: string;
  span: Span;
  image?: SourceValue | null;
  environment?: { mode: MergeMode; items: Keyed<EnvEntry>[] };
  envFiles?: { mode: MergeMode; items: Keyed<EnvFileRef>[] };
  replicas?: SourceValue | null;
  scale?: SourceValue | null;
  ports?: { mode: MergeMode; items: Keyed<PublishedPort[]>[] };
  expose?: { mode: MergeMode; items: Keyed<number[]>[] };
  nofile?: { soft: number; hard: number; at: SourceValue } | null;
  volumes?: { mode: MergeMode; items: Keyed<Mount>[] };
  health?: Health | null;
  command?: SourceValue | null;
  entrypoint?: SourceValue | null;
  containerName?: string | null;
  hostname?: string | null;
  aliases?: { mode: MergeMode; items: Keyed<string>[] };
}

function readLayer(
  ctx: FileContext,
  name: string,
  keySpan: Span,
  node: Node | null,
  projectDir: string,
  chain: string[] = [],
): Layer {
  const own = readOwnLayer(ctx, name, keySpan, node, projectDir);
  return applyExtends(ctx, own, node, chain);
}

/** Past this many `extends` steps, the chain is not followed. */
const MAX_EXTENDS = 16;

function servicesNode(ctx: FileContext): Node | null {
  return entry(ctx, ctx.doc.contents, 'services')?.value ?? null;
}

/**
 * `extends: base` or `extends: { service, file }` (05-services.md): the base service read first (its
 * own `extends` too), then this service merged over it by the rules of an override file. A base in
 * another file has its relative paths resolved against that file's folder.
 */
function applyExtends(ctx: FileContext, layer: Layer, node: Node | null, chain: string[]): Layer {
  const extendsEntry = entry(ctx, node, 'extends');
  if (!extendsEntry) return layer;
  const fail = (span: Span, message: string): Layer => {
    problemAt(ctx, span, message, 'compose-extends', 'error');
    return layer;
  };
  const spec = extendsEntry.value;
  const serviceAt = isScalar(spec) ? value(ctx, spec) : value(ctx, entry(ctx, spec, 'service')?.value);
  if (!serviceAt || serviceAt.text === '') return fail(spanOf(spec), 'extends needs the name of a service');
  const fileAt = isMap(spec) ? value(ctx, entry(ctx, spec, 'file')?.value) : undefined;
  let baseCtx: FileContext | undefined = ctx;
  if (fileAt) {
    baseCtx = ctx.load(nodePath.resolve(nodePath.dirname(ctx.yaml.path), fileAt.text));
    if (!baseCtx) return fail(fileAt.span, `The file ${fileAt.text} that extends names cannot be read`);
  }
  const key = `${baseCtx.yaml.path}#${serviceAt.text}`;
  const self = `${ctx.yaml.path}#${layer.name}`;
  if (chain.includes(key) || key === self) return fail(serviceAt.span, 'extends goes round in a circle');
  if (chain.length >= MAX_EXTENDS) return fail(serviceAt.span, 'extends is nested too deeply to follow');
  const baseEntry = getEntry(baseCtx.doc, servicesNode(baseCtx), serviceAt.text);
  if (!baseEntry) return fail(serviceAt.span, `extends names a service ${serviceAt.text} that is not there`);
  const base = readLayer(
    baseCtx,
    serviceAt.text,
    baseEntry.keySpan,
    baseEntry.value,
    nodePath.dirname(baseCtx.yaml.path),
    [...chain, self, key],
  );
  return mergeLayers({ ...base, name: layer.name, file: layer.file, span: layer.span }, layer);
}

function readOwnLayer(
  ctx: FileContext,
  name: string,
  keySpan: Span,
  node: Node | null,
  projectDir: string,
): Layer {
  const layer: Layer = { name, file: ctx.yaml.path, span: keySpan };
  if (node !== null && !isMap(node)) {
    problemAt(
      ctx,
      spanOf(node),
      `The service ${name} is not a map of settings`,
      'compose-structure',
      'error',
    );
    return layer;
  }
  for (const { key, value: child } of entriesOf(ctx.doc, node)) {
    const reset = modeOf(child) === 'reset';
    switch (key) {
      case 'image':
        layer.image = reset ? null : value(ctx, child);
        break;
      case 'environment':
        layer.environment = { mode: modeOf(child), items: reset ? [] : readEnvironment(ctx, child) };
        break;
      case 'env_file':
        layer.envFiles = { mode: modeOf(child), items: reset ? [] : readEnvFiles(ctx, child, projectDir) };
        break;
      case 'scale':
        layer.scale = reset ? null : value(ctx, child);
        break;
      case 'deploy': {
        const replicas = entry(ctx, child, 'replicas');
        if (reset) layer.replicas = null;
        else if (replicas)
          layer.replicas = modeOf(replicas.value) === 'reset' ? null : value(ctx, replicas.value);
        break;
      }
      case 'ports':
        layer.ports = { mode: modeOf(child), items: reset ? [] : readPorts(ctx, child) };
        break;
      case 'expose':
        layer.expose = { mode: modeOf(child), items: reset ? [] : readExpose(ctx, child) };
        break;
      case 'ulimits': {
        const nofile = entry(ctx, child, 'nofile');
        if (reset) layer.nofile = null;
        else if (nofile) layer.nofile = readNofile(ctx, nofile.value);
        break;
      }
      case 'volumes':
        layer.volumes = { mode: modeOf(child), items: reset ? [] : readVolumes(ctx, child, projectDir) };
        break;
      case 'healthcheck':
        layer.health = reset ? null : readHealth(ctx, child);
        break;
      case 'command':
      case 'entrypoint': {
        const read = reset ? null : words(ctx, child);
        const at = read ? { ...read.at, text: read.words.join(' ') } : read === null ? null : undefined;
        if (key === 'command') layer.command = at;
        else layer.entrypoint = at;
        break;
      }
      case 'container_name':
        layer.containerName = reset ? null : value(ctx, child)?.text;
        break;
      case 'hostname':
        layer.hostname = reset ? null : value(ctx, child)?.text;
        break;
      case 'networks':
        layer.aliases = { mode: modeOf(child), items: reset ? [] : readAliases(ctx, child) };
        break;
      default:
        break;
    }
  }
  return layer;
}

/** The spans of NAME and VALUE inside a `NAME=VALUE` scalar, when its source is the string itself. */
function splitSpans(ctx: FileContext, node: Node, eq: number): { name: Span; value: Span } | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const [start, end] = node.range ?? [0, 0];
  const raw = ctx.yaml.text.slice(start, end);
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const inner = quoted ? raw.slice(1, -1) : raw;
  if (inner !== node.value) return undefined;
  const offset = quoted ? start + 1 : start;
  return {
    name: { start: offset, end: offset + eq },
    value: { start: offset + eq + 1, end: offset + inner.length },
  };
}

function readEnvironment(ctx: FileContext, node: Node | null): Keyed<EnvEntry>[] {
  const items: Keyed<EnvEntry>[] = [];
  const file = ctx.yaml.path;
  if (isSeq(node)) {
    for (const item of itemsOf(ctx.doc, node)) {
      const whole = value(ctx, item);
      if (!whole || !isScalar(item)) {
        problemAt(
          ctx,
          spanOf(item),
          'An environment entry must be NAME=VALUE or NAME',
          'compose-structure',
          'error',
        );
        continue;
      }
      const eq = whole.text.indexOf('=');
      if (eq < 0) {
        items.push({ key: whole.text, item: { name: whole.text, nameSpan: whole.span, file } });
        continue;
      }
      const name = whole.text.slice(0, eq);
      const rawEq = typeof item.value === 'string' ? item.value.indexOf('=') : -1;
      const spans = rawEq >= 0 ? splitSpans(ctx, item, rawEq) : undefined;
      items.push({
        key: name,
        item: {
          name,
          nameSpan: spans?.name ?? whole.span,
          value: { text: whole.text.slice(eq + 1), file, span: spans?.value ?? whole.span },
          file,
        },
      });
    }
  } else if (isMap(node)) {
    for (const { key, keySpan, value: child } of entriesOf(ctx.doc, node)) {
      // Keys are not interpolated (12-interpolation.md); a null value means "from the environment".
      const isNull =
        child === null || (isScalar(child) && (child.value === null || child.value === undefined));
      const at = isNull ? undefined : value(ctx, child);
      if (!isNull && !at) {
        problemAt(
          ctx,
          spanOf(child),
          `The environment value of ${key} must be a string, a number or a boolean`,
          'compose-structure',
          'error',
        );
        continue;
      }
      items.push({ key, item: { name: key, nameSpan: keySpan, value: at, file } });
    }
  } else if (node !== null && !(isScalar(node) && node.value === null)) {
    problemAt(
      ctx,
      spanOf(node),
      'environment must be a list of NAME=VALUE or a map',
      'compose-structure',
      'error',
    );
  }
  return items;
}

function readEnvFiles(ctx: FileContext, node: Node | null, projectDir: string): Keyed<EnvFileRef>[] {
  const refs: Keyed<EnvFileRef>[] = [];
  const one = (pathNode: Node | null, required: boolean): void => {
    const at = value(ctx, pathNode);
    if (!at || at.text === '') return;
    const path = nodePath.resolve(projectDir, at.text);
    refs.push({ key: path, item: { path, required, at } });
  };
  const items = isSeq(node) ? itemsOf(ctx.doc, node) : [node];
  for (const item of items) {
    if (isMap(item)) {
      const required = value(ctx, entry(ctx, item, 'required')?.value);
      one(entry(ctx, item, 'path')?.value ?? null, required?.text !== 'false');
    } else one(item, true);
  }
  return refs;
}

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

function range(text: string): number[] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const low = portNumber(match[1] as string);
  const high = match[2] === undefined ? low : portNumber(match[2]);
  if (low === undefined || high === undefined || high < low || high - low >= MAX_RANGE) return undefined;
  const all: number[] = [];
  for (let p = low; p <= high; p++) all.push(p);
  return all;
}

/**
 * The ports of one published range: pairwise when both sides are ranges of one length; a range of
 * host ports for one container port leaves the choice to the engine (published undefined).
 */
function pairs(
  hostIp: string | undefined,
  published: number[] | undefined,
  targets: number[],
  protocol: 'tcp' | 'udp',
  at: SourceValue,
): PublishedPort[] | undefined {
  if (published && published.length !== targets.length && !(targets.length === 1 && published.length > 1))
    return undefined;
  return targets.map((target, index) => ({
    ...(hostIp !== undefined ? { hostIp } : {}),
    ...(published && published.length === targets.length ? { published: published[index] } : {}),
    target,
    protocol,
    at,
  }));
}

/** `[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]`, ranges allowed, an IPv6 address in brackets. */
export function parsePortSpec(text: string, at: SourceValue): PublishedPort[] | string {
  let spec = text.trim();
  let protocol: string = 'tcp';
  const slash = spec.lastIndexOf('/');
  if (slash >= 0) {
    protocol = spec.slice(slash + 1).toLowerCase();
    spec = spec.slice(0, slash);
  }
  if (protocol !== 'tcp' && protocol !== 'udp')
    return `The protocol ${protocol} is not one this reader models (tcp, udp)`;
  let hostIp: string | undefined;
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    if (close < 0 || spec[close + 1] !== ':')
      return 'An IPv6 host address must be written [ADDRESS]:PUBLISHED:TARGET';
    hostIp = spec.slice(1, close);
    spec = spec.slice(close + 2);
  }
  const parts = spec.split(':');
  if (hostIp === undefined && parts.length > 2) hostIp = parts.splice(0, parts.length - 2).join(':');
  if (parts.length > 2) return 'A port must be [[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]';
  const targets = range(parts[parts.length - 1] as string);
  if (!targets || targets.includes(0)) return 'The container port is not a port number or range';
  const publishedText = parts.length === 2 ? (parts[0] as string) : '';
  const published = publishedText === '' ? undefined : range(publishedText);
  if (publishedText !== '' && !published) return 'The published port is not a port number or range';
  const ports = pairs(hostIp === '' ? undefined : hostIp, published, targets, protocol, at);
  return ports ?? 'The published and container port ranges differ in length';
}

function readPorts(ctx: FileContext, node: Node | null): Keyed<PublishedPort[]>[] {
  const out: Keyed<PublishedPort[]>[] = [];
  for (const item of itemsOf(ctx.doc, node)) {
    if (isScalar(item)) {
      const at = value(ctx, item);
      if (!at) continue;
      const ports = parsePortSpec(at.text, at);
      if (typeof ports === 'string') problemAt(ctx, at.span, ports, 'compose-port', 'error');
      else out.push({ key: at.text, item: ports });
      continue;
    }
    if (!isMap(item)) continue;
    const get = (key: string): SourceValue | undefined => value(ctx, entry(ctx, item, key)?.value);
    const target = get('target');
    const published = get('published');
    const hostIp = get('host_ip');
    const protocolAt = get('protocol');
    const protocol = (protocolAt?.text ?? 'tcp').toLowerCase();
    const at = published ?? target ?? { text: '', file: ctx.yaml.path, span: spanOf(item) };
    const targets = target ? range(target.text) : undefined;
    if (!targets || targets.length !== 1 || targets[0] === 0) {
      problemAt(
        ctx,
        at.span,
        'A long-form port needs target: a container port number',
        'compose-port',
        'error',
      );
      continue;
    }
    if (protocol !== 'tcp' && protocol !== 'udp') {
      problemAt(
        ctx,
        (protocolAt ?? at).span,
        `The protocol ${protocol} is not one this reader models (tcp, udp)`,
        'compose-port',
        'information',
      );
      continue;
    }
    const publishedPorts = published && published.text !== '' ? range(published.text) : undefined;
    if (published && published.text !== '' && !publishedPorts) {
      problemAt(
        ctx,
        published.span,
        'The published port is not a port number or range',
        'compose-port',
        'error',
      );
      continue;
    }
    const ports = pairs(hostIp?.text || undefined, publishedPorts, targets, protocol, at) ?? [];
    // compose-go's portIndexer: host:published:target/protocol.
    out.push({
      key: `${hostIp?.text || '0.0.0.0'}:${published?.text ?? ''}:${targets[0]}/${protocol}`,
      item: ports,
    });
  }
  return out;
}

function readExpose(ctx: FileContext, node: Node | null): Keyed<number[]>[] {
  const out: Keyed<number[]>[] = [];
  for (const item of itemsOf(ctx.doc, node)) {
    const at = value(ctx, item);
    if (!at) continue;
    const ports = range(at.text.replace(/\/(tcp|udp|sctp)$/i, ''));
    if (!ports)
      problemAt(
        ctx,
        at.span,
        'expose takes a port number or range, optionally with /tcp or /udp',
        'compose-port',
        'error',
      );
    else out.push({ key: at.text, item: ports });
  }
  return out;
}

function readNofile(ctx: FileContext, node: Node | null): Layer['nofile'] {
  const number = (at: SourceValue | undefined): number | undefined =>
    at && /^-?\d+$/.test(at.text.trim()) ? Number(at.text.trim()) : undefined;
  if (isScalar(node)) {
    const at = value(ctx, node);
    const n = number(at);
    if (at && n !== undefined) return { soft: n, hard: n, at };
  } else if (isMap(node)) {
    const softAt = value(ctx, entry(ctx, node, 'soft')?.value);
    const hardAt = value(ctx, entry(ctx, node, 'hard')?.value);
    const soft = number(softAt);
    const hard = number(hardAt);
    if (softAt && soft !== undefined) return { soft, hard: hard ?? soft, at: softAt };
  }
  problemAt(
    ctx,
    spanOf(node),
    'ulimits.nofile must be a number or {soft, hard} numbers',
    'compose-structure',
    'error',
  );
  return undefined;
}

function isHostPath(source: string): boolean {
  return (
    source.startsWith('/') ||
    source.startsWith('.') ||
    source.startsWith('~') ||
    /^[A-Za-z]:[\\/]/.test(source)
  );
}

function hostPathOf(source: string, projectDir: string): string | undefined {
  // `~` is the home of whoever runs Compose: not a file of the repository.
  if (source.startsWith('~')) return undefined;
  return nodePath.resolve(projectDir, source);
}

function readVolumes(ctx: FileContext, node: Node | null, projectDir: string): Keyed<Mount>[] {
  const out: Keyed<Mount>[] = [];
  for (const item of itemsOf(ctx.doc, node)) {
    if (isScalar(item)) {
      const at = value(ctx, item);
      if (!at) continue;
      // SOURCE:TARGET[:MODE], or TARGET alone (an anonymous volume); a Windows drive letter stays with its path.
      const parts = at.text.split(':');
      if (parts.length > 1 && /^[A-Za-z]$/.test(parts[0] as string) && /^[\\/]/.test(parts[1] as string)) {
        parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
      }
      const source = parts.length >= 2 ? (parts[0] as string) : undefined;
      const target = (parts.length >= 2 ? parts[1] : parts[0]) as string;
      const hostPath =
        source !== undefined && isHostPath(source) ? hostPathOf(source, projectDir) : undefined;
      out.push({ key: target, item: { target, ...(hostPath ? { hostPath } : {}), at } });
      continue;
    }
    if (!isMap(item)) continue;
    const type = value(ctx, entry(ctx, item, 'type')?.value)?.text;
    const source = value(ctx, entry(ctx, item, 'source')?.value);
    const target = value(ctx, entry(ctx, item, 'target')?.value);
    if (!target) {
      problemAt(ctx, spanOf(item), 'A long-form volume needs target:', 'compose-structure', 'error');
      continue;
    }
    const bind = type === 'bind' || (type === undefined && source !== undefined && isHostPath(source.text));
    const hostPath = bind && source ? hostPathOf(source.text, projectDir) : undefined;
    out.push({
      key: target.text,
      item: { target: target.text, ...(hostPath ? { hostPath } : {}), at: source ?? target },
    });
  }
  return out;
}

function readHealth(ctx: FileContext, node: Node | null): Health | undefined {
  if (!isMap(node)) return undefined;
  const health: Health = {};
  const test = entry(ctx, node, 'test');
  if (test) {
    const read = words(ctx, test.value);
    if (read) {
      const [first, ...rest] = read.words;
      health.at = read.at;
      if (isSeq(test.value)) {
        // ["CMD", args...] runs args; ["CMD-SHELL", "line"] runs the line in a shell; ["NONE"] turns it off.
        if (first === 'NONE') health.none = true;
        health.command = first === 'CMD' || first === 'CMD-SHELL' ? rest.join(' ') : read.words.join(' ');
      } else health.command = read.words.join(' ');
    }
  }
  const disable = value(ctx, entry(ctx, node, 'disable')?.value);
  if (disable) health.disabled = { on: disable.text === 'true', at: disable };
  return health;
}

function readAliases(ctx: FileContext, node: Node | null): Keyed<string>[] {
  const out: Keyed<string>[] = [];
  if (!isMap(node)) return out; // the list form names networks only
  for (const { value: network } of entriesOf(ctx.doc, node)) {
    for (const alias of itemsOf(ctx.doc, entry(ctx, network, 'aliases')?.value)) {
      const text = value(ctx, alias)?.text;
      if (text) out.push({ key: text, item: text });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Merging layers: a later file's value replaces, or joins by key, as 13-merge.md says.

function mergeKeyed<T>(
  base: { mode: MergeMode; items: Keyed<T>[] } | undefined,
  next: { mode: MergeMode; items: Keyed<T>[] } | undefined,
): { mode: MergeMode; items: Keyed<T>[] } | undefined {
  if (!next) return base;
  const start = next.mode === 'merge' && base ? base.items : [];
  // compose-go's unicity: an entry with a key seen before takes that entry's place.
  const items: Keyed<T>[] = [];
  const at = new Map<string, number>();
  for (const one of [...start, ...next.items]) {
    const index = at.get(one.key);
    if (index === undefined) {
      at.set(one.key, items.length);
      items.push(one);
    } else items[index] = one;
  }
  return { mode: 'merge', items };
}

function pick<T>(base: T | null | undefined, next: T | null | undefined): T | null | undefined {
  return next === undefined ? base : next;
}

function mergeLayers(base: Layer, next: Layer): Layer {
  const health =
    next.health === undefined || next.health === null || !base.health
      ? pick(base.health, next.health)
      : {
          ...base.health,
          ...(next.health.at
            ? { command: next.health.command, none: next.health.none, at: next.health.at }
            : {}),
          ...(next.health.disabled ? { disabled: next.health.disabled } : {}),
        };
  return {
    name: base.name,
    file: base.file,
    span: base.span,
    image: pick(base.image, next.image),
    environment: mergeKeyed(base.environment, next.environment),
    envFiles: mergeKeyed(base.envFiles, next.envFiles),
    replicas: pick(base.replicas, next.replicas),
    scale: pick(base.scale, next.scale),
    ports: mergeKeyed(base.ports, next.ports),
    expose: mergeKeyed(base.expose, next.expose),
    nofile: pick(base.nofile, next.nofile),
    volumes: mergeKeyed(base.volumes, next.volumes),
    health,
    command: pick(base.command, next.command),
    entrypoint: pick(base.entrypoint, next.entrypoint),
    containerName: pick(base.containerName, next.containerName),
    hostname: pick(base.hostname, next.hostname),
    aliases: mergeKeyed(base.aliases, next.aliases),
  };
}

// ---------------------------------------------------------------------------------------------
// From the merged layer to a Workload.

const MIGRATION_NAME = /migrat|flyway|liquibase/i;
const MIGRATION_COMMAND =
  /\b(?:prisma\s+migrate|alembic\s+(?:upgrade|downgrade|stamp)|db:migrate|db:schema:load|db:setup|db:prepare|flyway|liquibase|knex\s+migrate|sequelize(?:-cli)?\s+db:migrate|manage\.py\s+migrate|typeorm\s+migration:run|sqlx\s+migrate|diesel\s+migration|goose\s+\S+\s+up|dbmate|atlas\s+migrate|migrate\s+(?:-path|-database|up\b)|rake\s+db:migrate|mix\s+ecto\.migrate|yarn\s+migrate|npm\s+run\s+migrate)/i;
const MIGRATION_IMAGE = /(?:^|\/)(?:flyway|liquibase|migrate)(?::|$)/i;

function purposeOf(layer: Layer): Workload['purpose'] {
  if (MIGRATION_NAME.test(layer.name)) return 'migration';
  const run = `${layer.entrypoint?.text ?? ''} ${layer.command?.text ?? ''}`;
  if (MIGRATION_COMMAND.test(run) || MIGRATION_NAME.test(run)) return 'migration';
  if (layer.image && MIGRATION_IMAGE.test(layer.image.text)) return 'migration';
  return 'runtime';
}

interface Reader {
  projectDir: string;
  dotEnv: Map<string, EnvVar>;
  readFile: (path: string) => string | undefined;
  problems: ReadProblem[];
  envFileCache: Map<string, string | undefined>;
  envFilesReported: Set<string>;
}

function environmentOf(reader: Reader, layer: Layer): EnvVar[] {
  const declared = layer.environment?.items ?? [];
  // `NAME` with no value takes the `.env` value; unset there, it is not passed (and removes an env_file value).
  const own = new Map<string, EnvVar | null>();
  for (const { item } of declared) {
    if (item.value) {
      own.set(item.name, { name: item.name, nameSpan: item.nameSpan, value: item.value, origin: 'compose' });
    } else {
      const fromDotEnv = reader.dotEnv.get(item.name);
      own.set(item.name, fromDotEnv ? { ...fromDotEnv } : null);
    }
  }
  const fromFiles = new Map<string, EnvVar>();
  for (const { item: ref } of layer.envFiles?.items ?? []) {
    if (!reader.envFileCache.has(ref.path)) reader.envFileCache.set(ref.path, reader.readFile(ref.path));
    const text = reader.envFileCache.get(ref.path);
    if (text === undefined) {
      if (ref.required) {
        reader.problems.push({
          file: ref.at.file,
          span: ref.at.span,
          message: `The env_file ${ref.at.text} cannot be read; Compose refuses to start the service without it (mark it required: false if it is optional)`,
          severity: 'error',
          code: 'compose-env-file',
        });
      }
      continue;
    }
    // compose-go types/project.go: the `.env` variables first, then the service's environment.
    const lookup = (name: string): string | undefined =>
      reader.dotEnv.get(name)?.value.text ?? own.get(name)?.value.text;
    const parsed = parseEnvFile(ref.path, text, lookup);
    // A file two services read is reported once.
    if (!reader.envFilesReported.has(ref.path)) reader.problems.push(...parsed.problems);
    reader.envFilesReported.add(ref.path);
    for (const one of parsed.vars) {
      fromFiles.delete(one.name);
      fromFiles.set(one.name, one);
    }
  }
  const env: EnvVar[] = [];
  for (const [name, one] of fromFiles) if (!own.has(name)) env.push(one);
  for (const one of own.values()) if (one) env.push(one);
  return env;
}

function replicasOf(reader: Reader, layer: Layer): { replicas: number; replicasAt?: SourceValue } {
  const count = (at: SourceValue | null | undefined): number | undefined => {
    if (!at) return undefined;
    if (/^\d+$/.test(at.text.trim())) return Number(at.text.trim());
    reader.problems.push({
      file: at.file,
      span: at.span,
      message: 'The number of replicas is not a whole number',
      severity: 'error',
      code: 'compose-value',
    });
    return undefined;
  };
  const replicas = count(layer.replicas);
  const scale = count(layer.scale);
  if (replicas !== undefined && scale !== undefined && replicas !== scale && layer.scale) {
    reader.problems.push({
      file: layer.scale.file,
      span: layer.scale.span,
      message: `scale (${scale}) and deploy.replicas (${replicas}) differ; Compose refuses the service`,
      severity: 'error',
      code: 'compose-value',
    });
  }
  if (replicas !== undefined && layer.replicas) return { replicas, replicasAt: layer.replicas };
  if (scale !== undefined && layer.scale) return { replicas: scale, replicasAt: layer.scale };
  return { replicas: 1 };
}

function workloadOf(reader: Reader, layer: Layer): Workload {
  const hostnames: string[] = [];
  for (const name of [
    layer.name,
    layer.containerName,
    layer.hostname,
    ...(layer.aliases?.items ?? []).map((a) => a.item),
  ]) {
    if (name && !hostnames.includes(name)) hostnames.push(name);
  }
  const health = layer.health;
  const containerPorts: number[] = [];
  for (const { item } of layer.expose?.items ?? [])
    for (const port of item) if (!containerPorts.includes(port)) containerPorts.push(port);
  return {
    kind: 'compose-service',
    name: layer.name,
    objectKind: 'service',
    file: layer.file,
    span: layer.span,
    ...(layer.image ? { image: layer.image } : {}),
    env: environmentOf(reader, layer),
    ...replicasOf(reader, layer),
    ports: (layer.ports?.items ?? []).flatMap((one) => one.item),
    containerPorts,
    ...(layer.nofile ? { nofile: layer.nofile } : {}),
    mounts: (layer.volumes?.items ?? []).map((one) => one.item),
    ...(health && (health.at || health.disabled)
      ? {
          healthcheck: {
            command: health.command ?? '',
            at: (health.at ?? health.disabled?.at) as SourceValue,
            disabled: health.none === true || health.disabled?.on === true,
          },
        }
      : {}),
    ...(layer.command ? { command: layer.command } : {}),
    hostnames,
    purpose: purposeOf(layer),
  };
}

/**
 * The services of a compose project: `composeFiles` in merge order (docker-compose.yml, then
 * docker-compose.override.yml), `dotEnv` the `.env` beside the first file, `readFile` for env_file.
 */
export function readComposeProject(
  composeFiles: { path: string; text: string }[],
  dotEnv: { path: string; text: string } | undefined,
  readFile: (path: string) => string | undefined,
): ComposeProject {
  const problems: ReadProblem[] = [];
  const parsedDotEnv = dotEnv ? parseEnvFile(dotEnv.path, dotEnv.text) : { vars: [], problems: [] };
  problems.push(...parsedDotEnv.problems);
  const dotEnvByName = new Map<string, EnvVar>();
  for (const one of parsedDotEnv.vars) dotEnvByName.set(one.name, one);
  const lookup = (name: string): string | undefined => dotEnvByName.get(name)?.value.text;
  const projectDir = nodePath.dirname(composeFiles[0]?.path ?? '.');
  const reader: Reader = {
    projectDir,
    dotEnv: dotEnvByName,
    readFile,
    problems,
    envFileCache: new Map(),
    envFilesReported: new Set(),
  };

  const contexts = new Map<string, FileContext | undefined>();
  const contextOf = (path: string, text: string): FileContext | undefined => {
    const yaml = parseYamlFile(path, text);
    problems.push(...yaml.problems);
    const doc = yaml.documents[0];
    const ctx = doc ? { yaml, doc, lookup, problems, cache: new Map(), load } : undefined;
    contexts.set(path, ctx);
    return ctx;
  };
  function load(path: string): FileContext | undefined {
    if (contexts.has(path)) return contexts.get(path);
    const text = readFile(path);
    if (text === undefined) {
      contexts.set(path, undefined);
      return undefined;
    }
    return contextOf(path, text);
  }

  const services = new Map<string, Layer>();
  for (const file of composeFiles) {
    const ctx = contextOf(file.path, file.text);
    if (!ctx) continue;
    const doc = ctx.doc;
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue;
    if (!isMap(root)) {
      problemAt(
        ctx,
        spanOf(root),
        'A compose file must be a map (services:, volumes:, ...)',
        'compose-structure',
        'error',
      );
      continue;
    }
    const servicesEntry = entry(ctx, root, 'services');
    if (!servicesEntry || servicesEntry.value === null) continue;
    if (!isMap(servicesEntry.value)) {
      problemAt(
        ctx,
        spanOf(servicesEntry.value),
        'services: must be a map of service names',
        'compose-structure',
        'error',
      );
      continue;
    }
    for (const service of entriesOf(doc, servicesEntry.value)) {
      const layer = readLayer(ctx, service.key, service.keySpan, service.value, projectDir);
      const base = services.get(service.key);
      services.set(
        service.key,
        base && modeOf(service.value) !== 'override' ? mergeLayers(base, layer) : layer,
      );
    }
  }
  const workloads = [...services.values()].map((layer) => workloadOf(reader, layer));
  return { workloads, problems, variables: parsedDotEnv.vars };
}
