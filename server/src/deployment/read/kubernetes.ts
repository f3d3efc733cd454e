// Kubernetes manifests as the cluster would run them: workloads (one per container) with the
// environment the kubelet gives them (env, envFrom, ConfigMap and Secret references resolved across
// files of one namespace, `$(VAR)` expanded), their mounts, probes and commands; ConfigMaps, Secrets
// and Services; and the PgBouncers the CloudNativePG and Zalando operators generate (operators.ts).

import type { Document } from 'yaml';
import type { Span } from '../../syntax/syntax';
import { collectObjects, isHelmTemplate, isObjectNode, textOf } from './kube-objects';
import type { KubeObject } from './kube-objects';
import { readOperatorPoolers } from './operators';
import type { OperatorPooler } from './operators';
import type { EnvVar, Mount, PublishedPort, ReadProblem, SourceValue, Workload } from './types';
import { entriesOf, getEntry, itemsOf, scalarText, sourceValue, spanOf } from './yaml-source';
import type { YamlFile, YamlNode } from './yaml-source';

export interface KubeConfigEntry {
  key: string;
  keySpan: Span;
  value: SourceValue;
}

export interface KubeConfigData {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace: string;
  file: string;
  /** metadata.name as written. */
  span: Span;
  entries: KubeConfigEntry[];
  /** A Secret's `type` (kubernetes.io/basic-auth, kubernetes.io/tls, …); Opaque when not written. */
  type?: string;
}

export interface KubeService {
  name: string;
  namespace: string;
  file: string;
  span: Span;
  /** ClusterIP (the default), NodePort, LoadBalancer, ExternalName. */
  type: string;
  ports: PublishedPort[];
  selector: Record<string, string>;
}

export interface KubernetesRead {
  workloads: Workload[];
  configMaps: KubeConfigData[];
  secrets: KubeConfigData[];
  services: KubeService[];
  poolers: OperatorPooler[];
  problems: ReadProblem[];
}

/** Whether some document of the file is a Kubernetes object (has apiVersion and kind). */
export function isKubernetesYaml(file: YamlFile): boolean {
  // A Helm template may not parse; its top-level keys still say what it is (readKubernetes skips it).
  if (isHelmTemplate(file)) return /^apiVersion:/m.test(file.text) && /^kind:/m.test(file.text);
  return file.documents.some((document) => isObjectNode(document, document.contents));
}

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
]);

/** Words that make a Job or container one that migrates a schema (its connections go direct). */
const MIGRATION_WORDS =
  /migrat|flyway|liquibase|alembic|prisma\s+(?:migrate|db\s+push)|db:migrate|knex\s+migrate|sequelize\s+db:migrate|dbmate|goose\s|schema[-_ ]?update/i;

/** A value longer than this is left as written (expansion is linear, but bounded all the same). */
const MAX_VALUE_LENGTH = 65_536;

interface Context {
  problems: ReadProblem[];
  configs: Map<string, KubeConfigData>;
}

function keyOf(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

function problem(
  file: string,
  span: Span,
  message: string,
  code: string,
  severity: ReadProblem['severity'],
): ReadProblem {
  return { file, span, message, code, severity };
}

// --- ConfigMaps and Secrets -----------------------------------------------------------------------

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readConfigData(object: KubeObject, problems: ReadProblem[]): KubeConfigData {
  const { document, node, file } = object;
  const kind = object.kind === 'Secret' ? 'Secret' : 'ConfigMap';
  const entries = new Map<string, KubeConfigEntry>();
  const read = (section: string, decode: boolean): void => {
    for (const entry of entriesOf(document, getEntry(document, node, section)?.value)) {
      const value = sourceValue(file, entry.value);
      if (!value) continue;
      if (decode) {
        const compact = value.text.replace(/\s+/g, '');
        if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
          // Never the value itself: it is a secret.
          problems.push(
            problem(
              file.path,
              value.span,
              `Secret ${object.name}: the value of '${entry.key}' is not valid base64`,
              'kubernetes-secret-base64',
              'warning',
            ),
          );
          continue;
        }
        value.text = Buffer.from(compact, 'base64').toString('utf8');
      }
      entries.set(entry.key, { key: entry.key, keySpan: entry.keySpan, value });
    }
  };
  if (kind === 'Secret') {
    read('data', true);
    // stringData is merged over data by the API server (stringData wins).
    read('stringData', false);
  } else {
    read('data', false);
  }
  return {
    kind,
    name: object.name,
    namespace: object.namespace,
    file: file.path,
    span: object.nameAt.span,
    entries: [...entries.values()],
    ...(kind === 'Secret' ? { type: textOf(document, node, 'type') ?? 'Opaque' } : {}),
  };
}

// --- Services ------------------------------------------------------------------------------------

function readService(object: KubeObject): KubeService {
  const { document, node, file } = object;
  const spec = getEntry(document, node, 'spec')?.value;
  const type = textOf(document, spec, 'type') || 'ClusterIP';
  const selector: Record<string, string> = {};
  for (const entry of entriesOf(document, getEntry(document, spec, 'selector')?.value)) {
    selector[entry.key] = scalarText(entry.value) ?? '';
  }
  const ports: PublishedPort[] = [];
  for (const item of itemsOf(document, getEntry(document, spec, 'ports')?.value)) {
    const portNode = getEntry(document, item, 'port')?.value;
    const at = sourceValue(file, portNode);
    const port = Number(at?.text);
    if (!at || !Number.isInteger(port)) continue;
    const target = Number(textOf(document, item, 'targetPort'));
    const protocol = textOf(document, item, 'protocol')?.toLowerCase() === 'udp' ? 'udp' : 'tcp';
    // A named targetPort is resolved against container ports by the workloads that match.
    const base = { target: Number.isInteger(target) && target > 0 ? target : port, protocol } as const;
    const targetName = textOf(document, item, 'targetPort');
    const remember = (one: PublishedPort): void => {
      if (targetName !== undefined && !/^\d+$/.test(targetName)) namedTargets.set(one, targetName);
      ports.push(one);
    };
    if (type === 'NodePort' || type === 'LoadBalancer') {
      // Reachable from outside the cluster: a LoadBalancer on its port, a NodePort on every node.
      const nodePortAt = sourceValue(file, getEntry(document, item, 'nodePort')?.value);
      const nodePort = Number(nodePortAt?.text);
      if (type === 'LoadBalancer') remember({ ...base, published: port, at });
      remember({
        ...base,
        published: Number.isInteger(nodePort) ? nodePort : undefined,
        at: nodePortAt ?? at,
      });
      if (type === 'NodePort') remember({ ...base, published: port, at, internal: true });
    } else {
      remember({ ...base, published: port, at, internal: true });
    }
  }
  return {
    name: object.name,
    namespace: object.namespace,
    file: file.path,
    span: object.nameAt.span,
    type,
    ports,
    selector,
  };
}

// --- Workloads -----------------------------------------------------------------------------------

/** The pod template of a workload object: where its pod spec and labels are. */
function podTemplateOf(
  document: Document.Parsed,
  object: KubeObject,
): { spec: YamlNode | null; labels: YamlNode | null } {
  const spec = getEntry(document, object.node, 'spec')?.value ?? null;
  if (object.kind === 'Pod')
    return {
      spec,
      labels: getEntry(document, getEntry(document, object.node, 'metadata')?.value, 'labels')?.value ?? null,
    };
  let holder = spec;
  if (object.kind === 'CronJob')
    holder = getEntry(document, getEntry(document, spec, 'jobTemplate')?.value, 'spec')?.value ?? null;
  const template = getEntry(document, holder, 'template')?.value;
  return {
    spec: getEntry(document, template, 'spec')?.value ?? null,
    labels: getEntry(document, getEntry(document, template, 'metadata')?.value, 'labels')?.value ?? null,
  };
}

/**
 * `$(VAR)` as the kubelet expands it (third_party/forked/golang/expansion): a defined variable is
 * replaced, an undefined one kept as written, `$$` is one `$`, any other `$` kept.
 */
export function expandDependentVars(input: string, lookup: (name: string) => string | undefined): string {
  if (!input.includes('$') || input.length > MAX_VALUE_LENGTH) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
        continue;
      }
      const name = input.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close + 1;
    } else {
      out += '$' + next;
      i += 2;
    }
  }
  return out;
}

function configData(
  context: Context,
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
): KubeConfigData | undefined {
  return context.configs.get(keyOf(kind, namespace, name));
}

function isOptional(document: Document.Parsed, ref: unknown): boolean {
  return textOf(document, ref, 'optional') === 'true';
}

function missing(context: Context, file: string, span: Span, what: string, namespace: string): void {
  context.problems.push(
    problem(
      file,
      span,
      `${what} is not in the manifests read (namespace ${namespace}): the container does not start without it unless it is made elsewhere`,
      'kubernetes-missing-reference',
      'information',
    ),
  );
}

function readEnv(
  file: YamlFile,
  document: Document.Parsed,
  container: YamlNode,
  namespace: string,
  context: Context,
): EnvVar[] {
  const env: EnvVar[] = [];
  const values = new Map<string, string>();
  // A variable read from a ConfigMap or Secret: its value and name are where that object writes them.
  const fromConfig = (
    name: string,
    entry: KubeConfigEntry,
    kind: 'ConfigMap' | 'Secret',
    via: SourceValue,
  ) => {
    env.push({
      name,
      value: entry.value,
      nameSpan: entry.keySpan,
      origin: kind === 'Secret' ? 'secret' : 'configmap',
      via,
    });
    values.set(name, entry.value.text);
  };
  // envFrom first, in order (a later source wins), then env (kubelet makeEnvironmentVariables).
  for (const source of itemsOf(document, getEntry(document, container, 'envFrom')?.value)) {
    const prefix = textOf(document, source, 'prefix') ?? '';
    for (const [field, kind] of [
      ['configMapRef', 'ConfigMap'],
      ['secretRef', 'Secret'],
    ] as const) {
      const ref = getEntry(document, source, field)?.value;
      if (!ref) continue;
      const nameAt = sourceValue(file, getEntry(document, ref, 'name')?.value);
      if (!nameAt) continue;
      const data = configData(context, kind, namespace, nameAt.text);
      if (!data) {
        if (!isOptional(document, ref))
          missing(context, file.path, nameAt.span, `${kind} ${nameAt.text}`, namespace);
        continue;
      }
      for (const entry of data.entries) {
        const name = prefix + entry.key;
        // The kubelet skips keys that cannot be variable names.
        if (name === '' || name.includes('=')) continue;
        fromConfig(name, entry, kind, nameAt);
      }
    }
  }
  for (const item of itemsOf(document, getEntry(document, container, 'env')?.value)) {
    const nameEntry = getEntry(document, item, 'name');
    const name = scalarText(nameEntry?.value);
    if (!nameEntry || !name) continue;
    const nameAt: SourceValue = { text: name, file: file.path, span: spanOf(nameEntry.value) };
    const valueEntry = getEntry(document, item, 'value');
    const from = getEntry(document, item, 'valueFrom')?.value;
    if (valueEntry || !from) {
      const at = sourceValue(file, valueEntry?.value) ?? { text: '', file: file.path, span: nameAt.span };
      // Only `value` is expanded, against what is defined before it (and everything from envFrom).
      const text = expandDependentVars(at.text, (ref) => values.get(ref));
      env.push({ name, value: { ...at, text }, nameSpan: nameAt.span, origin: 'kubernetes-env' });
      values.set(name, text);
      continue;
    }
    for (const [field, kind] of [
      ['configMapKeyRef', 'ConfigMap'],
      ['secretKeyRef', 'Secret'],
    ] as const) {
      const ref = getEntry(document, from, field)?.value;
      if (!ref) continue;
      const refName = sourceValue(file, getEntry(document, ref, 'name')?.value);
      const key = textOf(document, ref, 'key');
      if (!refName || key === undefined) continue;
      const data = configData(context, kind, namespace, refName.text);
      const entry = data?.entries.find((e) => e.key === key);
      if (!entry) {
        if (!isOptional(document, ref))
          missing(
            context,
            file.path,
            refName.span,
            data ? `Key '${key}' of ${kind} ${refName.text}` : `${kind} ${refName.text}`,
            namespace,
          );
        continue;
      }
      fromConfig(name, entry, kind, nameAt);
    }
    // fieldRef / resourceFieldRef give no variable here: known only at run time, `$(NAME)` stays as written.
  }
  return env;
}

interface VolumeSource {
  kind: 'ConfigMap' | 'Secret' | 'other';
  name?: string;
  /** items: key → path; undefined means every key under its own name. */
  items?: Map<string, string>;
  optional: boolean;
}

function readVolumes(document: Document.Parsed, podSpec: unknown): Map<string, VolumeSource[]> {
  const volumes = new Map<string, VolumeSource[]>();
  const sourceOf = (kind: 'ConfigMap' | 'Secret', node: unknown, nameKey: string): VolumeSource => {
    let items: Map<string, string> | undefined;
    const itemNodes = itemsOf(document, getEntry(document, node, 'items')?.value);
    if (itemNodes.length > 0) {
      items = new Map();
      for (const item of itemNodes) {
        const key = textOf(document, item, 'key');
        if (key !== undefined) items.set(key, textOf(document, item, 'path') ?? key);
      }
    }
    return { kind, name: textOf(document, node, nameKey), items, optional: isOptional(document, node) };
  };
  for (const volume of itemsOf(document, getEntry(document, podSpec, 'volumes')?.value)) {
    const name = textOf(document, volume, 'name');
    if (!name) continue;
    const sources: VolumeSource[] = [];
    const configMap = getEntry(document, volume, 'configMap')?.value;
    const secret = getEntry(document, volume, 'secret')?.value;
    const projected = getEntry(document, volume, 'projected')?.value;
    if (configMap) sources.push(sourceOf('ConfigMap', configMap, 'name'));
    else if (secret) sources.push(sourceOf('Secret', secret, 'secretName'));
    else if (projected) {
      for (const one of itemsOf(document, getEntry(document, projected, 'sources')?.value)) {
        const cm = getEntry(document, one, 'configMap')?.value;
        const sec = getEntry(document, one, 'secret')?.value;
        if (cm) sources.push(sourceOf('ConfigMap', cm, 'name'));
        if (sec) sources.push(sourceOf('Secret', sec, 'name'));
      }
    } else sources.push({ kind: 'other', optional: true });
    volumes.set(name, sources);
  }
  return volumes;
}

function joinPath(directory: string, path: string): string {
  return `${directory.replace(/\/+$/, '')}/${path}`;
}

function readMounts(
  file: YamlFile,
  document: Document.Parsed,
  container: YamlNode,
  volumes: Map<string, VolumeSource[]>,
  namespace: string,
  context: Context,
): Mount[] {
  const mounts: Mount[] = [];
  for (const item of itemsOf(document, getEntry(document, container, 'volumeMounts')?.value)) {
    const at = sourceValue(file, getEntry(document, item, 'mountPath')?.value);
    const volumeName = textOf(document, item, 'name');
    if (!at || !volumeName) continue;
    const subPath = textOf(document, item, 'subPath');
    const sources = volumes.get(volumeName) ?? [{ kind: 'other', optional: true }];
    let mounted = false;
    for (const source of sources) {
      if (source.kind === 'other' || !source.name) continue;
      const data = configData(context, source.kind, namespace, source.name);
      if (!data) {
        if (!source.optional)
          missing(context, file.path, at.span, `${source.kind} ${source.name}`, namespace);
        continue;
      }
      for (const entry of data.entries) {
        const path = source.items ? source.items.get(entry.key) : entry.key;
        if (path === undefined) continue;
        if (subPath !== undefined && subPath !== '') {
          // A subPath mounts that one file (or directory) of the volume at mountPath.
          if (path === subPath) mounts.push({ target: at.text, content: entry.value, at });
          else if (path.startsWith(subPath + '/'))
            mounts.push({
              target: joinPath(at.text, path.slice(subPath.length + 1)),
              content: entry.value,
              at,
            });
          continue;
        }
        mounts.push({ target: joinPath(at.text, path), content: entry.value, at });
      }
      mounted = true;
    }
    if (!mounted) mounts.push({ target: at.text, at });
  }
  return mounts;
}

function readProbe(file: YamlFile, document: Document.Parsed, container: YamlNode): Workload['healthcheck'] {
  for (const key of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const probe = getEntry(document, container, key)?.value;
    if (!probe) continue;
    const exec = getEntry(document, probe, 'exec')?.value;
    const tcp = getEntry(document, probe, 'tcpSocket')?.value;
    const http = getEntry(document, probe, 'httpGet')?.value;
    if (exec) {
      const command = getEntry(document, exec, 'command')?.value;
      const words = itemsOf(document, command).map((n) => scalarText(n) ?? '');
      return {
        command: words.join(' '),
        at: { text: words.join(' '), file: file.path, span: spanOf(command) },
        disabled: false,
      };
    }
    if (tcp) {
      const port = getEntry(document, tcp, 'port')?.value;
      const text = `tcp:${scalarText(port) ?? ''}`;
      return { command: text, at: { text, file: file.path, span: spanOf(port ?? tcp) }, disabled: false };
    }
    if (http) {
      const port = getEntry(document, http, 'port')?.value;
      const text = `http:${scalarText(port) ?? ''}${textOf(document, http, 'path') ?? '/'}`;
      return { command: text, at: { text, file: file.path, span: spanOf(port ?? http) }, disabled: false };
    }
  }
  return undefined;
}

function readCommand(
  file: YamlFile,
  document: Document.Parsed,
  container: YamlNode,
  lookup: (name: string) => string | undefined,
): SourceValue | undefined {
  const words: string[] = [];
  const spans: Span[] = [];
  for (const key of ['command', 'args']) {
    const node = getEntry(document, container, key)?.value;
    if (!node) continue;
    spans.push(spanOf(node));
    for (const item of itemsOf(document, node))
      words.push(expandDependentVars(scalarText(item) ?? '', lookup));
  }
  if (spans.length === 0) return undefined;
  const span = { start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) };
  return { text: words.join(' '), file: file.path, span };
}

function labelsOf(document: Document.Parsed, node: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of entriesOf(document, node)) labels[entry.key] = scalarText(entry.value) ?? '';
  return labels;
}

function selects(service: KubeService, labels: Record<string, string>): boolean {
  const keys = Object.keys(service.selector);
  return keys.length > 0 && keys.every((key) => labels[key] === service.selector[key]);
}

function readWorkloads(object: KubeObject, services: KubeService[], context: Context): Workload[] {
  const { document, file, namespace } = object;
  const spec = getEntry(document, object.node, 'spec')?.value;
  const pod = podTemplateOf(document, object);
  if (!pod.spec) return [];
  let replicas = 1;
  let replicasAt: SourceValue | undefined;
  const replicasKey =
    object.kind === 'Job'
      ? 'parallelism'
      : ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(object.kind)
        ? 'replicas'
        : undefined;
  if (replicasKey) {
    replicasAt = sourceValue(file, getEntry(document, spec, replicasKey)?.value);
    const n = Number(replicasAt?.text);
    if (replicasAt && Number.isInteger(n) && n >= 0) replicas = n;
    else replicasAt = undefined;
  }
  const labels = labelsOf(document, pod.labels);
  const matching = services.filter((service) => service.namespace === namespace && selects(service, labels));
  const hostnames = matching.flatMap((s) => [
    s.name,
    `${s.name}.${namespace}`,
    `${s.name}.${namespace}.svc`,
    `${s.name}.${namespace}.svc.cluster.local`,
  ]);
  const volumes = readVolumes(document, pod.spec);
  const isJob = object.kind === 'Job' || object.kind === 'CronJob';
  const workloads: Workload[] = [];
  for (const [listKey, init] of [
    ['initContainers', true],
    ['containers', false],
  ] as const) {
    for (const container of itemsOf(document, getEntry(document, pod.spec, listKey)?.value)) {
      const containerName = textOf(document, container, 'name');
      const env = readEnv(file, document, container, namespace, context);
      const finalEnv = new Map(env.map((v) => [v.name, v.value.text]));
      const command = readCommand(file, document, container, (name) => finalEnv.get(name));
      const containerPorts: number[] = [];
      const namedPorts = new Map<string, number>();
      for (const port of itemsOf(document, getEntry(document, container, 'ports')?.value)) {
        const n = Number(textOf(document, port, 'containerPort'));
        if (!Number.isInteger(n)) continue;
        containerPorts.push(n);
        const portName = textOf(document, port, 'name');
        if (portName) namedPorts.set(portName, n);
      }
      const ports: PublishedPort[] = [];
      for (const service of matching) {
        for (const port of service.ports) ports.push(resolveTargetPort(port, namedPorts));
      }
      const words = `${object.name} ${containerName ?? ''} ${command?.text ?? ''}`;
      const purpose =
        init || (isJob && MIGRATION_WORDS.test(words)) || (!isJob && MIGRATION_WORDS.test(object.name))
          ? 'migration'
          : 'runtime';
      const image = sourceValue(file, getEntry(document, container, 'image')?.value);
      const healthcheck = readProbe(file, document, container);
      workloads.push({
        kind: 'kubernetes',
        name: object.name,
        objectKind: object.kind,
        container: containerName,
        file: file.path,
        span: object.nameAt.span,
        ...(image ? { image } : {}),
        env,
        replicas,
        ...(replicasAt ? { replicasAt } : {}),
        ports,
        containerPorts,
        mounts: readMounts(file, document, container, volumes, namespace, context),
        ...(healthcheck ? { healthcheck } : {}),
        ...(command ? { command } : {}),
        hostnames: init ? [] : hostnames,
        purpose,
      });
    }
  }
  return workloads;
}

/** Service ports whose targetPort is a name (resolved per workload against its named container ports). */
const namedTargets = new WeakMap<PublishedPort, string>();

function resolveTargetPort(port: PublishedPort, namedPorts: Map<string, number>): PublishedPort {
  const named = namedTargets.get(port);
  const target = named === undefined ? undefined : namedPorts.get(named);
  return target === undefined ? port : { ...port, target };
}

/** Reads the manifests: all objects of all files first, then references resolved within a namespace. */
export function readKubernetes(files: readonly YamlFile[]): KubernetesRead {
  const problems: ReadProblem[] = [];
  const objects = collectObjects(files, problems);
  const context: Context = { problems, configs: new Map() };
  const configMaps: KubeConfigData[] = [];
  const secrets: KubeConfigData[] = [];
  const services: KubeService[] = [];
  for (const object of objects) {
    if (object.apiVersion !== 'v1') continue;
    if (object.kind === 'ConfigMap' || object.kind === 'Secret') {
      const data = readConfigData(object, problems);
      (object.kind === 'Secret' ? secrets : configMaps).push(data);
      context.configs.set(keyOf(data.kind, data.namespace, data.name), data);
    } else if (object.kind === 'Service') {
      const service = readService(object);
      services.push(service);
    }
  }
  const workloads: Workload[] = [];
  for (const object of objects) {
    if (WORKLOAD_KINDS.has(object.kind)) workloads.push(...readWorkloads(object, services, context));
  }
  const poolers = readOperatorPoolers(
    objects,
    (kind, namespace, name) => configData(context, kind, namespace, name),
    problems,
  );
  return { workloads, configMaps, secrets, services, poolers, problems };
}
