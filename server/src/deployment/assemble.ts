// Builds the Deployment of a folder from its files: reads compose projects, Kubernetes manifests,
// .env files and application configs (deployment/read/), finds every PgBouncer among them, lints
// each with the same engine as an open pgbouncer.ini, and routes every client connection.

import * as path from 'node:path';
import { lintText } from '../analysis/engine';
import type { LintOptions, LintResult } from '../analysis/engine';
import type { FileSystem } from '../files/file-system';
import type { Finding } from '../findings/finding';
import type { Span } from '../syntax/syntax';
import { LineIndex } from '../syntax/syntax';
import { resolvePath } from '../model/config';
import { userlistFormat } from '../syntax/userlist-format';
import { parseUserlist } from '../syntax/userlist-parser';
import type { DeploymentFile } from './read/discover';
import { parseEnvFile } from './read/env-file';
import { readComposeProject } from './read/compose';
import { isKubernetesYaml, readKubernetes } from './read/kubernetes';
import type { OperatorPooler } from './read/operators';
import { generatedConfig, pgbouncerImageOf } from './read/images';
import { connectionsFromEnv } from './read/app-env';
import {
  readPrismaSchema,
  readRailsDatabaseYml,
  readSpringProperties,
  readSpringYaml,
} from './read/frameworks';
import type { AppSetting } from './read/frameworks';
import { parseConnectionUrl, preparedStatementsOf } from './read/urls';
import { parseYamlFile } from './read/yaml-source';
import type { YamlFile } from './read/yaml-source';
import type { ClientConnection, EnvVar, ParsedUrl, ReadProblem, SourceValue, Workload } from './read/types';
import { backendsOf, normalHost, routeConnection } from './route';
import type { Deployment, Pooler, PoolerKind, RoutedConnection } from './model';

export interface AssembleInput {
  root: string;
  files: readonly DeploymentFile[];
  /** The machine's files, guarded (regular files only, bounded). */
  fileSystem: FileSystem;
  /** Options for linting each PgBouncer found (the CLI's flags, the editor's settings). */
  lintOptions?: Omit<LintOptions, 'filePath' | 'fileSystem'>;
  /** Texts to use instead of the file system's (documents open in the editor). */
  overlay?: ReadonlyMap<string, string>;
}

const COMPOSE_BASES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

function overrideOf(base: string): string {
  return base.replace(/\.(ya?ml)$/, '.override.$1');
}

export function assembleDeployment(input: AssembleInput): Deployment {
  const texts = new Map<string, string>();
  const problems: ReadProblem[] = [];
  const read = (file: string): string | undefined => {
    if (texts.has(file)) return texts.get(file);
    const open = input.overlay?.get(file);
    if (open !== undefined) {
      texts.set(file, open);
      return open;
    }
    const result = input.fileSystem.readFile(file);
    if ('problem' in result) return undefined;
    texts.set(file, result.text);
    return result.text;
  };
  const byKind = (...kinds: string[]) => input.files.filter((file) => kinds.includes(file.kind));

  // Compose projects: the base file of a folder with its override; other compose files alone.
  const workloads: Workload[] = [];
  const composeFiles = byKind('compose', 'compose-override');
  const usedCompose = new Set<string>();
  const composeDotEnvs = new Set<string>();
  const folders = [...new Set(composeFiles.map((file) => path.dirname(file.path)))].sort();
  for (const folder of folders) {
    const inFolder = composeFiles.filter((file) => path.dirname(file.path) === folder);
    const names = new Set(inFolder.map((file) => path.basename(file.path)));
    const base = COMPOSE_BASES.find((name) => names.has(name));
    const projects: string[][] = [];
    if (base) {
      const project = [base];
      if (names.has(overrideOf(base))) project.push(overrideOf(base));
      projects.push(project);
    }
    for (const file of inFolder) {
      const name = path.basename(file.path);
      if (projects.some((project) => project.includes(name))) continue;
      if (file.kind === 'compose-override') continue;
      projects.push([name]);
    }
    const dotEnvPath = path.join(folder, '.env');
    const dotEnvText = read(dotEnvPath);
    if (dotEnvText !== undefined) composeDotEnvs.add(dotEnvPath);
    for (const project of projects) {
      const sources = project.flatMap((name) => {
        const file = path.join(folder, name);
        const text = read(file);
        if (text === undefined) return [];
        usedCompose.add(file);
        return [{ path: file, text }];
      });
      if (sources.length === 0) continue;
      const result = readComposeProject(
        sources,
        dotEnvText === undefined ? undefined : { path: dotEnvPath, text: dotEnvText },
        (file) => read(file),
      );
      workloads.push(...result.workloads);
      problems.push(...result.problems);
    }
  }

  // YAML: Kubernetes manifests by their content; Spring and Rails configs by their names.
  const yamlFiles: YamlFile[] = [];
  for (const file of byKind('yaml')) {
    const text = read(file.path);
    if (text === undefined) continue;
    const parsed = parseYamlFile(file.path, text);
    if (isKubernetesYaml(parsed)) yamlFiles.push(parsed);
  }
  const kube = readKubernetes(yamlFiles);
  for (const file of yamlFiles) problems.push(...file.problems);
  workloads.push(...kube.workloads);
  problems.push(...kube.problems);

  // PgBouncers: containers of a PgBouncer image (a mounted file, or what the entrypoint writes),
  // operators' poolers, and pgbouncer.ini files no container claims (they run on a host).
  const poolers: Pooler[] = [];
  const claimed = new Set<string>();
  for (const workload of workloads) {
    const pooler = poolerOfWorkload(workload, input, read, claimed);
    if (pooler) poolers.push(pooler);
  }
  for (const operator of kube.poolers) poolers.push(poolerOfOperator(operator, input, kube.services));
  for (const file of byKind('pgbouncer-ini')) {
    if (claimed.has(file.path)) continue;
    const text = read(file.path);
    if (text === undefined) continue;
    // An ini that %includes this one is the one PgBouncer starts with.
    poolers.push(iniPooler(file.path, text, input, undefined, undefined));
  }
  dropIncludedPoolers(poolers);

  // Clients: every workload's environment, then files outside any workload.
  const connections: ClientConnection[] = [];
  const byPlace = new Map<string, number>();
  const add = (connection: ClientConnection) => {
    const key = `${connection.at.file}\0${connection.at.span.start}\0${connection.workload?.name ?? ''}`;
    const known = byPlace.get(key);
    if (known === undefined) {
      byPlace.set(key, connections.length);
      connections.push(connection);
      return;
    }
    // A framework's reading of a variable (Prisma, Rails, Spring) says more than the plain one.
    const before = connections[known];
    if (before && isFramework(connection) && !isFramework(before)) {
      connections[known] = {
        ...connection,
        poolSize: connection.poolSize ?? before.poolSize,
        ...((connection.poolOverflow ?? before.poolOverflow) && {
          poolOverflow: connection.poolOverflow ?? before.poolOverflow,
        }),
        ...((connection.preparedStatements ?? before.preparedStatements) && {
          preparedStatements: connection.preparedStatements ?? before.preparedStatements,
        }),
      } as ClientConnection;
    }
  };
  const isPoolerWorkload = new Set(poolers.flatMap((pooler) => (pooler.workload ? [pooler.workload] : [])));
  for (const workload of workloads) {
    if (isPoolerWorkload.has(workload)) continue;
    for (const found of connectionsFromEnv(workload.env)) {
      add({
        at: found.value,
        url: found.url,
        setting: found.setting,
        workload,
        framework: found.url.form === 'jdbc' ? 'jdbc' : found.url.driver ? 'sqlalchemy' : 'env',
        purpose: workload.purpose === 'migration' ? 'migration' : purposeOf(found.purpose, workload),
        ...(found.poolSize && { poolSize: found.poolSize }),
        ...(found.poolOverflow && { poolOverflow: found.poolOverflow }),
        ...(found.preparedStatements && { preparedStatements: found.preparedStatements }),
      });
    }
  }
  const envFiles = new Map<string, EnvVar[]>();
  const envFileOfWorkload = new Set(
    workloads.flatMap((workload) =>
      workload.env
        .filter((variable) => variable.origin === 'env-file')
        .map((variable) => variable.value.file),
    ),
  );
  for (const file of byKind('env')) {
    const text = read(file.path);
    if (text === undefined) continue;
    const parsed = parseEnvFile(file.path, text);
    envFiles.set(file.path, parsed.vars);
    // A .env beside a compose file feeds its interpolation, an env_file is a service's environment
    // (its connections are the service's); an example file holds no deployment.
    if (composeDotEnvs.has(file.path) || envFileOfWorkload.has(file.path)) continue;
    if (/\.(example|sample|template|dist)$/i.test(file.path)) continue;
    problems.push(...parsed.problems);
    for (const found of connectionsFromEnv(parsed.vars)) {
      add({
        at: found.value,
        url: found.url,
        setting: found.setting,
        framework: found.url.form === 'jdbc' ? 'jdbc' : found.url.driver ? 'sqlalchemy' : 'env',
        purpose: found.purpose,
        ...(found.poolSize && { poolSize: found.poolSize }),
        ...(found.poolOverflow && { poolOverflow: found.poolOverflow }),
        ...(found.preparedStatements && { preparedStatements: found.preparedStatements }),
      });
    }
  }
  for (const setting of appSettings(input, read, problems)) {
    for (const connection of connectionsOfSetting(setting, workloads, envFiles, input.root)) add(connection);
  }
  const merged = connections;

  const routed: RoutedConnection[] = merged.map((connection) => ({
    ...connection,
    replicas: connection.workload?.replicas ?? 1,
    route: routeConnection(connection, poolers, workloads),
  }));

  return {
    root: input.root,
    poolers,
    workloads,
    connections: routed,
    texts,
    problems,
    files: input.files.map((file) => ({ path: path.relative(input.root, file.path), kind: file.kind })),
  };
}

function purposeOf(found: ClientConnection['purpose'], workload: Workload): ClientConnection['purpose'] {
  if (found !== 'runtime') return found;
  const image = workload.image?.text.toLowerCase() ?? '';
  // Exporters and admin tools connect to watch or manage, not to serve the application.
  if (/exporter|pgadmin|adminer|pghero|flyway|liquibase|migrate/.test(image)) {
    return /flyway|liquibase|migrate/.test(image) ? 'migration' : 'admin';
  }
  return found;
}

function isFramework(connection: ClientConnection): boolean {
  return (
    connection.framework === 'prisma' || connection.framework === 'spring' || connection.framework === 'rails'
  );
}

// ---------------------------------------------------------------------------------------------
// PgBouncers

/**
 * A FileSystem for a PgBouncer in a container: container paths under a mount read the mounted file,
 * generated files read what the entrypoint writes, paths under the repository read the repository
 * (relative includes of a mounted file); anything else is not in the repository.
 */
function containerFileSystem(
  base: FileSystem,
  root: string,
  workload: Workload | undefined,
  generated: ReadonlyMap<string, string>,
): FileSystem {
  const map = (file: string): { host: string } | { text: string } | null => {
    const normal = path.posix.normalize(file);
    const made = generated.get(normal);
    if (made !== undefined) return { text: made };
    for (const mount of workload?.mounts ?? []) {
      const target = path.posix.normalize(mount.target);
      if (normal === target) {
        if (mount.content) return { text: mount.content.text };
        if (mount.hostPath) return { host: mount.hostPath };
      } else if (normal.startsWith(`${target}/`) && mount.hostPath) {
        return { host: path.join(mount.hostPath, normal.slice(target.length + 1)) };
      }
    }
    if (normal === root || normal.startsWith(`${root}/`)) return { host: normal };
    return null;
  };
  return {
    readFile(file, maxBytes) {
      const where = map(file);
      if (where === null) return { problem: { kind: 'missing' } };
      if ('text' in where) return { text: where.text };
      return base.readFile(where.host, maxBytes);
    },
    stat(file) {
      const where = map(file);
      if (where === null) return null;
      if ('text' in where) return 'file';
      return base.stat(where.host);
    },
  };
}

function lintPooler(
  iniPath: string,
  text: string,
  input: AssembleInput,
  options: {
    release?: string;
    workload?: Workload;
    generated?: ReadonlyMap<string, string>;
    useProjectFile: boolean;
    /** Runs in a container the repository does not describe file by file (an operator's pod). */
    inContainer?: boolean;
  },
): { lint: LintResult; authUsers?: ReadonlySet<string> } {
  const nofile = options.workload?.nofile?.soft;
  const fileSystem = options.workload
    ? containerFileSystem(input.fileSystem, input.root, options.workload, options.generated ?? new Map())
    : input.fileSystem;
  const lintOptions: LintOptions = {
    ...input.lintOptions,
    filePath: iniPath,
    fileSystem,
    useProjectFile: options.useProjectFile,
  };
  // In a container PgBouncer must listen on all its interfaces; what is exposed is the published
  // port, which deployment-port-exposed-without-tls judges.
  const inContainer = options.workload !== undefined || options.inContainer === true;
  if (inContainer) {
    lintOptions.rules = { 'listen-all-interfaces-without-tls': 'off', ...input.lintOptions?.rules };
  }
  // The image tag says which release runs, unless the user said otherwise.
  if (options.release && input.lintOptions?.targetVersion === undefined)
    lintOptions.targetVersion = options.release;
  if (nofile !== undefined) {
    lintOptions.ruleOptions = { ...input.lintOptions?.ruleOptions, fileDescriptorLimit: nofile };
  }
  const lint = lintText(text, lintOptions);
  if (inContainer) {
    // A path of the container that no mount maps to the repository is in the image (or made at
    // start): that it is not on this machine says nothing.
    lint.findings = lint.findings.filter(
      (finding) => finding.code !== 'file-not-found' || finding.message.includes(input.root),
    );
  }
  const authUsers = authUsersOf(lint, fileSystem);
  return { lint, ...(authUsers && { authUsers }) };
}

function poolerFacts(lint: LintResult): Pick<Pooler, 'listenPort' | 'backends' | 'fallback'> {
  const port = Number(lint.effective.value('listen_port'));
  const { backends, fallback } = backendsOf(lint);
  return { listenPort: Number.isInteger(port) && port > 0 ? port : 6432, backends, fallback };
}

function hostnamesOf(workload: Workload | undefined, extra: readonly string[] = []): Set<string> {
  return new Set([...(workload?.hostnames ?? []), ...extra].map(normalHost));
}

function iniPooler(
  file: string,
  text: string,
  input: AssembleInput,
  workload: Workload | undefined,
  release: string | undefined,
): Pooler {
  const { lint, authUsers } = lintPooler(file, text, input, { release, workload, useProjectFile: true });
  return {
    name: workload?.name ?? path.relative(input.root, file),
    kind: 'ini',
    iniPath: file,
    generated: false,
    text,
    lint,
    ...(workload && { workload }),
    ...(release && { release }),
    ...poolerFacts(lint),
    hostnames: hostnamesOf(workload),
    publishedPorts: workload?.ports ?? [],
    place: workload?.image
      ? { file: workload.image.file, span: workload.image.span }
      : { file, span: { start: 0, end: 0 } },
    locate: (span) => ({ file, span }),
    ...(authUsers && { authUsers }),
    notes: [],
    startupErrors: [],
    instances: workload?.replicas ?? 1,
  };
}

/** Folders the images read pgbouncer.ini from, mounted whole from the repository. */
const INI_FOLDERS = ['/etc/pgbouncer', '/bitnami/pgbouncer/conf', '/opt/bitnami/pgbouncer/conf'];

function poolerOfWorkload(
  workload: Workload,
  input: AssembleInput,
  read: (file: string) => string | undefined,
  claimed: Set<string>,
): Pooler | undefined {
  const image = workload.image ? pgbouncerImageOf(workload.image.text) : undefined;
  // A mounted pgbouncer.ini (any image whose command or mounts say PgBouncer), or its folder.
  const mountedIni = workload.mounts.find(
    (mount) => mount.target.endsWith('.ini') && /pgbouncer/i.test(mount.target + (mount.hostPath ?? '')),
  );
  const mountedFolder = workload.mounts.find(
    (mount) => INI_FOLDERS.includes(path.posix.normalize(mount.target)) && mount.hostPath !== undefined,
  );
  if (!image && !mountedIni) return undefined;
  const hostIni =
    mountedIni?.hostPath ??
    (mountedFolder?.hostPath ? path.join(mountedFolder.hostPath, 'pgbouncer.ini') : undefined);
  if (hostIni) {
    const text = read(hostIni);
    if (text !== undefined) {
      claimed.add(hostIni);
      return iniPooler(hostIni, text, input, workload, image?.release);
    }
  }
  if (mountedIni?.content) return contentPooler(workload, mountedIni.content, input, image?.release, read);
  if (!image || (image.flavour !== 'edoburu' && image.flavour !== 'bitnami')) return undefined;
  const generated = generatedConfig(
    image.flavour,
    workload.env,
    workload.mounts.map((mount) => mount.target),
    image.release ? { release: image.release } : {},
  );
  if (!generated) return undefined;
  const files = new Map<string, string>([[generated.iniPath, generated.text]]);
  if (generated.userlist) files.set(generated.userlist.path, generated.userlist.text);
  const { lint, authUsers } = lintPooler(generated.iniPath, generated.text, input, {
    release: image.release,
    workload,
    generated: files,
    useProjectFile: false,
  });
  const lines = new LineIndex(generated.text);
  const place = workload.image
    ? { file: workload.image.file, span: workload.image.span }
    : { file: workload.file, span: workload.span };
  const kind: PoolerKind = image.flavour;
  return {
    name: workload.name,
    kind,
    iniPath: generated.iniPath,
    generated: true,
    text: generated.text,
    lint,
    workload,
    ...(image.release && { release: image.release }),
    ...poolerFacts(lint),
    listenPort: generated.listenPort,
    hostnames: hostnamesOf(workload),
    publishedPorts: workload.ports,
    place,
    locate: (span) => {
      // The variable whose value holds the span, else the one that made its line.
      const piece = generated.valueSources.find((one) => one.start <= span.start && span.start < one.end);
      const source = piece?.source ?? generated.lineSources[lines.rangeOf(span).start.line];
      return source ? { file: source.value.file, span: source.value.span } : place;
    },
    ...(authUsers && { authUsers }),
    notes: generated.notes,
    instances: workload.replicas,
    startupErrors: generated.startupErrors.map((error) => ({
      message: error.message,
      ...(error.cause ? { file: error.cause.value.file, span: error.cause.value.span } : place),
    })),
  };
}

/** A pgbouncer.ini held in a ConfigMap or Secret and mounted into the container. */
function contentPooler(
  workload: Workload,
  content: SourceValue,
  input: AssembleInput,
  release: string | undefined,
  read: (file: string) => string | undefined,
): Pooler {
  const iniPath = `${content.file}#${workload.name}`;
  const { lint, authUsers } = lintPooler(iniPath, content.text, input, {
    release,
    workload,
    useProjectFile: false,
  });
  const locate = blockLocator(content, read(content.file));
  return {
    name: workload.name,
    kind: 'ini',
    iniPath,
    generated: true,
    text: content.text,
    lint,
    workload,
    ...(release && { release }),
    ...poolerFacts(lint),
    hostnames: hostnamesOf(workload),
    publishedPorts: workload.ports,
    place: { file: content.file, span: content.span },
    locate,
    ...(authUsers && { authUsers }),
    notes: [],
    startupErrors: [],
    instances: workload.replicas,
  };
}

/**
 * Where a span of a block scalar's text is in the YAML file: block scalars only strip indentation,
 * so each line of the text is found, in order, in the scalar as written.
 */
function blockLocator(
  content: SourceValue,
  yamlText: string | undefined,
): (span: Span) => { file: string; span: Span } {
  const lineStarts: { inText: number; inFile: number }[] = [];
  if (yamlText !== undefined) {
    let cursor = content.span.start;
    let inText = 0;
    for (const line of content.text.split('\n')) {
      const found = line === '' ? -1 : yamlText.indexOf(line, cursor);
      if (found >= 0 && found < content.span.end) {
        lineStarts.push({ inText, inFile: found });
        cursor = found + line.length;
      }
      inText += line.length + 1;
    }
  }
  const at = (offset: number): number => {
    let best: { inText: number; inFile: number } | undefined;
    for (const start of lineStarts) {
      if (start.inText > offset) break;
      best = start;
    }
    return best ? best.inFile + (offset - best.inText) : content.span.start;
  };
  return (span) => ({
    file: content.file,
    span: { start: at(span.start), end: Math.max(at(span.start), at(span.end)) },
  });
}

function poolerOfOperator(
  operator: OperatorPooler,
  input: AssembleInput,
  services: readonly { name: string; namespace: string; ports: Workload['ports'] }[],
): Pooler {
  const iniPath = `${operator.file}#${operator.name}`;
  const { lint, authUsers } = lintPooler(iniPath, operator.generatedIni, input, {
    ...(operator.release && { release: operator.release }),
    useProjectFile: false,
    inContainer: true,
  });
  const lines = new LineIndex(operator.generatedIni);
  const place = { file: operator.file, span: operator.span };
  const service = services.find(
    (one) => one.name === operator.serviceName && one.namespace === operator.namespace,
  );
  const names = [
    operator.serviceName,
    `${operator.serviceName}.${operator.namespace}`,
    `${operator.serviceName}.${operator.namespace}.svc`,
    `${operator.serviceName}.${operator.namespace}.svc.cluster.local`,
  ];
  return {
    // The Service name: an operator may run two poolers for one cluster (Zalando's replica pooler).
    name: operator.serviceName || operator.name,
    kind: operator.operator,
    iniPath,
    generated: true,
    text: operator.generatedIni,
    lint,
    ...(operator.release && { release: operator.release }),
    ...poolerFacts(lint),
    listenPort: operator.port,
    hostnames: hostnamesOf(undefined, names),
    publishedPorts: service?.ports ?? [],
    place,
    locate: (span) => {
      const source = operator.lineSources[lines.rangeOf(span).start.line];
      return source ? { file: source.file, span: source.span } : place;
    },
    ...(authUsers && { authUsers }),
    notes: operator.notes,
    startupErrors: [],
    instances: Math.max(1, operator.instances),
  };
}

/** The users PgBouncer loads from auth_file, when it can be read (see rules/support/auth-file-users.ts). */
function authUsersOf(lint: LintResult, fileSystem: FileSystem): ReadonlySet<string> | undefined {
  const authFile = lint.effective.value('auth_file');
  if (authFile === '') return undefined;
  const filePath = resolvePath(authFile, lint.config.runDirectory);
  if (fileSystem.stat(filePath) !== 'file') return undefined;
  const read = fileSystem.readFile(filePath);
  if ('problem' in read) return undefined;
  const parsed = parseUserlist(read.text, userlistFormat(lint.target));
  return new Set(parsed.entries.filter((entry) => entry.loaded).map((entry) => entry.user.value));
}

/** Drops ini poolers whose file another pooler's ini includes (PgBouncer starts with the including one). */
function dropIncludedPoolers(poolers: Pooler[]): void {
  const included = new Set<string>();
  for (const pooler of poolers)
    for (const file of pooler.lint.model.files) if (file.path !== pooler.iniPath) included.add(file.path);
  for (let index = poolers.length - 1; index >= 0; index--) {
    const pooler = poolers[index];
    if (pooler && pooler.kind === 'ini' && !pooler.workload && included.has(pooler.iniPath))
      poolers.splice(index, 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Application configs

function appSettings(
  input: AssembleInput,
  read: (file: string) => string | undefined,
  problems: ReadProblem[],
): AppSetting[] {
  const settings: AppSetting[] = [];
  for (const file of input.files) {
    const reader =
      file.kind === 'prisma'
        ? readPrismaSchema
        : file.kind === 'spring-properties'
          ? readSpringProperties
          : file.kind === 'spring-yaml'
            ? readSpringYaml
            : file.kind === 'rails-database'
              ? readRailsDatabaseYml
              : undefined;
    if (!reader) continue;
    const text = read(file.path);
    if (text === undefined) continue;
    const result = reader(file.path, text);
    settings.push(...result.settings);
    problems.push(...result.problems);
  }
  return settings;
}

/** The workloads an application config belongs to: those named in its path (a service's folder). */
function workloadsNamedInPath(file: string, workloads: readonly Workload[]): Workload[] {
  const segments = new Set(file.split(path.sep).map((segment) => segment.toLowerCase()));
  return workloads.filter((workload) => segments.has(workload.name.toLowerCase()));
}

/** The variable as the workload receives it (the last one of the name wins). */
function variableOf(workload: Workload, name: string): EnvVar | undefined {
  for (let index = workload.env.length - 1; index >= 0; index--) {
    const variable = workload.env[index];
    if (variable?.name === name) return variable;
  }
  return undefined;
}

/** Whether a Rails environment or Spring profile of a config is the one the workload runs with. */
function activeIn(setting: AppSetting, workload: Workload | undefined): boolean {
  if (setting.environment === undefined || !workload) return true;
  if (setting.framework === 'rails') {
    const current =
      variableOf(workload, 'RAILS_ENV')?.value.text ?? variableOf(workload, 'RACK_ENV')?.value.text;
    return (current ?? 'development') === setting.environment;
  }
  if (setting.framework === 'spring') {
    const profiles = variableOf(workload, 'SPRING_PROFILES_ACTIVE')?.value.text ?? '';
    return profiles
      .split(',')
      .map((profile) => profile.trim())
      .includes(setting.environment);
  }
  return true;
}

function connectionsOfSetting(
  setting: AppSetting,
  workloads: readonly Workload[],
  envFiles: ReadonlyMap<string, EnvVar[]>,
  root: string,
): ClientConnection[] {
  const make = (value: SourceValue, workload?: Workload, parsed?: ParsedUrl): ClientConnection[] => {
    if (!activeIn(setting, workload)) return [];
    const url = parsed ?? parseConnectionUrl(value.text);
    if (!url) return [];
    const connection: ClientConnection = {
      setting: setting.setting,
      framework: setting.framework,
      purpose: setting.purpose,
      at: value,
      url,
      ...(workload && { workload }),
      ...(setting.poolSize && { poolSize: setting.poolSize }),
      ...(setting.preparedStatements && { preparedStatements: setting.preparedStatements }),
    };
    // A pool size read from a variable (Rails RAILS_MAX_THREADS): the workload's value wins.
    const poolVariable =
      setting.poolSizeEnv && workload ? variableOf(workload, setting.poolSizeEnv.name) : undefined;
    if (poolVariable && /^\d+$/.test(poolVariable.value.text.trim())) {
      connection.poolSize = { size: Number(poolVariable.value.text.trim()), at: poolVariable.value };
    }
    // Prisma reads its own parameters from the URL: prepared statements unless pgbouncer=true.
    if (setting.framework === 'prisma') {
      const prepared = preparedStatementsOf(url, 'prisma');
      if (prepared) connection.preparedStatements = { ...prepared, at: value };
      const limit = url.params.get('connection_limit');
      if (limit !== undefined && /^\d+$/.test(limit))
        connection.poolSize = { size: Number(limit), at: value };
    } else if (!connection.preparedStatements) {
      const prepared = preparedStatementsOf(url);
      if (prepared) connection.preparedStatements = { ...prepared, at: value };
    }
    return [connection];
  };
  if (setting.value) {
    // A literal in a service's folder is that service's connection (its replicas count).
    const owners = workloadsNamedInPath(setting.value.file, workloads);
    if (owners.length === 0) return make(setting.value, undefined, setting.url);
    return owners.flatMap((owner) => make(setting.value as SourceValue, owner, setting.url));
  }
  const ref = setting.envRef;
  if (!ref) return [];
  const having = workloads.filter((workload) => variableOf(workload, ref.name) !== undefined);
  const named = workloadsNamedInPath(ref.at.file, having);
  const owners = named.length > 0 ? named : having.length === 1 ? having : [];
  const found = owners.flatMap((workload) => {
    const variable = variableOf(workload, ref.name);
    return variable ? make(variable.value, workload) : [];
  });
  // A variable the workloads set is theirs: each one's connection is counted with it, and a reading
  // of the config on its own would count the same pool twice.
  if (found.length > 0 || having.length > 0) return found;
  // A .env in the config's folder or one above it (inside the root), as dotenv loaders find it.
  for (let dir = path.dirname(ref.at.file); dir.startsWith(root); dir = path.dirname(dir)) {
    const vars = envFiles.get(path.join(dir, '.env'));
    const variable = vars && [...vars].reverse().find((one) => one.name === ref.name);
    if (variable) return make(variable.value);
    if (dir === root) break;
  }
  if (ref.fallback) return make(ref.fallback);
  return [];
}

/** Turns a finding of a pooler's ini into one placed in the repository (generated ini: the variable's line). */
export function placedFinding(pooler: Pooler, finding: Finding): Finding {
  if (!pooler.generated) return finding;
  const where = finding.file === pooler.iniPath ? pooler.locate(finding.span) : pooler.place;
  return {
    ...finding,
    file: where.file,
    span: where.span,
    message: `${pooler.name}: ${finding.message}`,
    // Fixes edit the generated text, which is not a file: none is offered.
    fixes: [],
    related: [],
  };
}
