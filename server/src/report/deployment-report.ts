// The deployment sections of the audit report: what a repository shows around its pgbouncer.ini
// files. Every PgBouncer found (file, image configured by environment, operator), the services that
// connect through it and those that go around it, the applications' pools against the pooler's
// limits, how the containers are published, and the deployment's findings by rule.
// Used by `pgbouncer-lint --report DIR` and by the editor's report of a pgbouncer.ini that belongs to
// a workspace deployment. A plain function of the folder audit: no I/O.
//
// Secrets: only host names, ports, database and user names are shown of a connection; every text
// that could hold one (messages, healthchecks, generated configurations) goes through a Redactor
// that knows the deployment's passwords, Secret values and URL passwords.

import * as path from 'node:path';
import { knownSecrets, Redactor } from '../analysis/disclosure';
import { DESCRIPTIONS_BY_ID } from '../analysis/descriptions';
import { readCInt } from '../catalog/values';
import { parseEnvFile } from '../deployment/read/env-file';
import { effectiveSslmode } from '../deployment/read/urls';
import type { PublishedPort } from '../deployment/read/types';
import type { Backend, Deployment, Pooler, PoolerKind, RoutedConnection } from '../deployment/model';
import type { FolderAudit } from '../deployment/run';
import { DEPLOYMENT_RULES } from '../deployment/rules';
import { clientDemand } from '../deployment/rules/client-pools';
import { backendFor, clientTlsMode, databaseOf, poolModeOf, target } from '../deployment/rules/support';
import type { Finding, Severity } from '../findings/finding';
import { buildPoolModel, fileEstimate, OTHER_FILES, poolConfigOf, poolLimit } from '../model/pools';
import type { PoolModel } from '../model/pools';
import { LineIndex } from '../syntax/syntax';
import {
  codeSpan,
  countsText,
  escapeMarkdown,
  fence,
  localDate,
  markdownLink,
  NOT_CHECKED_ANYWHERE,
  plural,
  table,
} from './audit-report';

export interface DeploymentReportOptions {
  /** How the report names the folder, e.g. "deploy" or "."; file labels are relative to it. */
  folderLabel: string;
  /** Link to a line (1-based) of a file (absolute path); '' for no link. */
  fileLink: (filePath: string, line: number) => string;
  /** YYYY-MM-DD; default today (local time). */
  date?: string;
  /**
   * The one-file report of a pgbouncer.ini of the repository, embedded under the deployment's
   * sections (its headings two levels down). Without it, or when it returns undefined, the file is
   * listed with a link and what `note` says.
   */
  fileReport?: (pooler: Pooler) => string | undefined;
  /** Said of a pgbouncer.ini whose report is not embedded, e.g. "its report is above". */
  fileNote?: (pooler: Pooler) => string;
}

const KIND_TEXT: Record<PoolerKind, string> = {
  ini: 'a pgbouncer.ini of the repository',
  edoburu:
    'the edoburu/pgbouncer image, configured by environment variables (its entrypoint writes the pgbouncer.ini)',
  bitnami:
    'the bitnami/pgbouncer image, configured by PGBOUNCER_* environment variables (its entrypoint writes the pgbouncer.ini)',
  'cloudnative-pg':
    'a CloudNativePG Pooler resource (the operator writes the pgbouncer.ini from spec.pgbouncer)',
  zalando: "the Zalando Postgres Operator's connection pooler (the operator configures it)",
};

/** The defaults a pool falls back to when the application does not set its size (not counted in sums). */
const DEFAULT_POOLS: Partial<Record<RoutedConnection['framework'], string>> = {
  prisma: "Prisma's default connection_limit depends on the machine: twice its physical CPUs plus one",
  spring: "HikariCP's default maximum-pool-size is 10",
  rails: "Active Record's default pool is 5 (database.yml usually sets it from RAILS_MAX_THREADS)",
  sqlalchemy: "SQLAlchemy's default QueuePool is 5 connections plus 10 overflow",
};

const SECRET_NAME = /pass(word)?|secret|token|credential|private|_key$|^key$/i;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;
const ALL_INTERFACES = new Set(['', '0.0.0.0', '::', '[::]']);
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every secret the deployment holds, as far as the report can tell: the passwords of the poolers'
 * connection strings, variables named for secrets or read from a Kubernetes Secret, passwords in URLs.
 */
export function deploymentRedactor(deployment: Deployment): Redactor {
  const secrets = new Set<string>();
  for (const pooler of deployment.poolers)
    for (const secret of knownSecrets(pooler.lint.model)) secrets.add(secret);
  const envVars = deployment.workloads.flatMap((workload) => workload.env);
  for (const file of deployment.files) {
    if (file.kind !== 'env') continue;
    const absolute = path.resolve(deployment.root, file.path);
    const text = deployment.texts.get(absolute);
    if (text !== undefined) envVars.push(...parseEnvFile(absolute, text).vars);
  }
  for (const variable of envVars) {
    if (variable.origin === 'secret' || SECRET_NAME.test(variable.name)) secrets.add(variable.value.text);
  }
  for (const connection of deployment.connections) {
    for (const match of connection.at.text.matchAll(/:\/\/[^/@\s]*?:([^@/\s]*)@/g)) {
      secrets.add(match[1]);
      try {
        secrets.add(decodeURIComponent(match[1]));
      } catch {
        // Not percent-encoded as a URL would be: the written form is masked.
      }
    }
    for (const match of connection.at.text.matchAll(/\bpassword=([^&\s;]+)/gi)) secrets.add(match[1]);
  }
  return new Redactor(secrets);
}

class Places {
  private readonly indexes = new Map<string, LineIndex | null>();

  constructor(
    private readonly deployment: Deployment,
    private readonly options: DeploymentReportOptions,
  ) {}

  label(file: string): string {
    const relative = path.relative(this.deployment.root, file);
    return relative === '' || relative.startsWith('..') || path.isAbsolute(relative)
      ? file
      : relative.split(path.sep).join('/');
  }

  line(file: string, offset: number): number {
    let index = this.indexes.get(file);
    if (index === undefined) {
      const text = this.deployment.texts.get(file);
      index = text === undefined ? null : new LineIndex(text);
      this.indexes.set(file, index);
    }
    return index ? index.rangeOf({ start: offset, end: offset }).start.line + 1 : 1;
  }

  /** "file:line" linked to the line. */
  link(place: { file: string; span: { start: number } }): string {
    const line = this.line(place.file, place.span.start);
    return markdownLink(`${this.label(place.file)}:${line}`, this.options.fileLink(place.file, line));
  }
}

function serverText(backend: Backend): string {
  const hosts = backend.hosts.filter((host) => host !== '');
  const where = hosts.length > 0 ? hosts.join(',') : 'Unix socket';
  return `${where}:${backend.port}`;
}

function intSetting(pooler: Pooler, name: string): number | undefined {
  const reading = readCInt(pooler.lint.effective.value(name));
  return reading.ok ? reading.stored : undefined;
}

function poolModelOfPooler(pooler: Pooler): PoolModel | null {
  return buildPoolModel(poolConfigOf(pooler.lint.effective));
}

function serviceName(connection: RoutedConnection, places: Places): string {
  return connection.workload ? connection.workload.name : `(${places.label(connection.at.file)})`;
}

function reach(port: PublishedPort): string {
  if (port.internal) return 'inside the cluster only';
  const ip = port.hostIp ?? '';
  if (ALL_INTERFACES.has(ip)) return '**all interfaces**';
  if (LOOPBACK.test(ip)) return 'loopback only';
  return `address ${ip}`;
}

function portText(port: PublishedPort): string {
  return `${port.published ?? '(any)'} → ${port.target}/${port.protocol}`;
}

/** Shifts the headings of an embedded report two levels down (under ## Configuration files), outside code blocks. */
function nested(markdown: string): string {
  let inFence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const opening = /^(`{3,})/.exec(line);
      if (opening) {
        if (inFence === null) inFence = opening[1];
        else if (line.trim() === inFence) inFence = null;
        return line;
      }
      return inFence === null && /^#{1,4} /.test(line) ? `##${line}` : line;
    })
    .join('\n');
}

function poolersSection(deployment: Deployment, places: Places, redactor: Redactor): string[] {
  const out = ['## PgBouncers found', ''];
  for (const pooler of deployment.poolers) {
    out.push(`### ${escapeMarkdown(pooler.name)}`, '');
    out.push(
      `- **Configured by:** ${escapeMarkdown(KIND_TEXT[pooler.kind])}, at ${places.link(pooler.place)}`,
    );
    if (!pooler.generated)
      out.push(`- **Configuration file:** ${places.link({ file: pooler.iniPath, span: { start: 0 } })}`);
    const workload = pooler.workload;
    if (workload) {
      const container = workload.container ? `, container ${codeSpan(workload.container)}` : '';
      const replicas = workload.replicas > 1 ? `, ${workload.replicas} replicas` : '';
      out.push(
        `- **Runs as:** ${escapeMarkdown(workload.objectKind)} ${codeSpan(workload.name)}${container}${replicas}`,
      );
      if (workload.image) out.push(`- **Image:** ${codeSpan(redactor.redact(workload.image.text))}`);
    }
    const release = pooler.release
      ? `${escapeMarkdown(pooler.release)} (from the image tag)`
      : `not known from the repository; linted for ${escapeMarkdown(pooler.lint.target.label)}`;
    out.push(`- **Release:** ${release}`);
    const published = pooler.publishedPorts.filter((port) => !port.internal);
    const publishedText =
      published.length === 0
        ? 'not published outside its network'
        : published.map((port) => `${portText(port)} on ${reach(port)}`).join('; ');
    out.push(`- **Listens on:** port ${pooler.listenPort}; published: ${publishedText}`);
    const maxClientConn = intSetting(pooler, 'max_client_conn');
    out.push(
      `- **Pool mode:** ${escapeMarkdown(poolModeOf(pooler, undefined))} · **max_client_conn:** ${
        maxClientConn ?? escapeMarkdown(pooler.lint.effective.value('max_client_conn'))
      } · **default_pool_size:** ${escapeMarkdown(pooler.lint.effective.value('default_pool_size'))} · ` +
        `**client_tls_sslmode:** ${escapeMarkdown(clientTlsMode(pooler))}`,
    );
    if (pooler.hostnames.size > 0)
      out.push(`- **Reached as:** ${[...pooler.hostnames].sort(compareText).map(codeSpan).join(', ')}`);
    out.push('');
    const backends = [...pooler.backends, ...(pooler.fallback ? [pooler.fallback] : [])];
    if (backends.length === 0) {
      out.push('It serves no database ([databases] is empty).', '');
    } else {
      const rows = backends.map((backend) => [
        codeSpan(backend.database),
        codeSpan(serverText(backend)),
        codeSpan(backend.dbname),
        escapeMarkdown(poolModeOf(pooler, backend)),
      ]);
      out.push(...table(['Database', 'Server', 'Database on the server', 'Pool mode'], rows), '');
    }
    for (const note of pooler.notes) out.push(`- _Not modelled:_ ${escapeMarkdown(redactor.redact(note))}`);
    if (pooler.notes.length > 0) out.push('');
    if (pooler.generated) {
      // What the image or operator writes is nowhere in the repository: show it, secrets masked.
      const text = redactor.redact(pooler.lint.redactor.redact(pooler.text)).replace(/\n+$/, '');
      const tick = fence(text);
      out.push('The configuration it runs with, as its entrypoint or operator writes it:', '');
      out.push(`${tick}ini`, text, tick, '');
    }
  }
  return out;
}

function connectionRows(
  connections: readonly RoutedConnection[],
  places: Places,
  row: (connection: RoutedConnection) => string[],
): string[][] {
  return [...connections]
    .sort(
      (a, b) =>
        compareText(serviceName(a, places), serviceName(b, places)) ||
        compareText(a.at.file, b.at.file) ||
        a.at.span.start - b.at.span.start,
    )
    .map(row);
}

function poolText(connection: RoutedConnection): string {
  if (!connection.poolSize) return 'not set';
  const overflow = connection.poolOverflow ? ` + ${connection.poolOverflow.size}` : '';
  const replicas = connection.replicas > 1 ? ` × ${connection.replicas}` : '';
  return `${connection.poolSize.size}${overflow}${replicas} = ${clientDemand(connection) ?? '?'}`;
}

function servicesSections(deployment: Deployment, places: Places): string[] {
  const runtime = deployment.connections.filter((connection) => connection.purpose === 'runtime');
  const through = runtime.filter((connection) => connection.route.kind === 'pooler');
  const bypassing = runtime.filter((connection) => connection.route.kind === 'backend');
  const elsewhere = runtime.filter((connection) => connection.route.kind === 'unknown');
  const direct = deployment.connections.filter((connection) => connection.purpose !== 'runtime');
  const out: string[] = [];

  out.push('## Services through the pooler', '');
  if (through.length === 0) out.push('No service connects through a PgBouncer of this folder.', '');
  else {
    const rows = connectionRows(through, places, (connection) => {
      const route = connection.route;
      const pooler = route.kind === 'pooler' ? route.pooler.name : '';
      const portNote = route.kind === 'pooler' && !route.portMatches ? ' (not its port)' : '';
      return [
        escapeMarkdown(serviceName(connection, places)),
        codeSpan(connection.setting),
        `${escapeMarkdown(pooler)} ${codeSpan(target(connection))}${portNote}`,
        codeSpan(databaseOf(connection) ?? '(none)'),
        connection.url.user ? codeSpan(connection.url.user) : '',
        poolText(connection),
        codeSpan(effectiveSslmode(connection.url)),
        places.link(connection.at),
      ];
    });
    out.push(
      ...table(
        [
          'Service',
          'Setting',
          'PgBouncer',
          'Database',
          'User',
          'Pool (size + overflow × replicas)',
          'sslmode',
          'Where',
        ],
        rows,
      ),
      '',
    );
  }

  out.push('## Services bypassing the pooler', '');
  if (bypassing.length === 0)
    out.push('None: no service connects directly to a server a PgBouncer serves.', '');
  else {
    out.push(
      'These connect straight to a PostgreSQL server that a PgBouncer of the folder pools: their connections ' +
        "are not pooled and not counted against the pooler's limits.",
      '',
    );
    const rows = connectionRows(bypassing, places, (connection) => {
      const route = connection.route;
      const instead =
        route.kind === 'backend'
          ? `${escapeMarkdown(route.pooler.name)}, database ${codeSpan(route.backend.database)} (port ${route.pooler.listenPort})`
          : '';
      return [
        escapeMarkdown(serviceName(connection, places)),
        codeSpan(connection.setting),
        codeSpan(target(connection)),
        codeSpan(databaseOf(connection) ?? '(none)'),
        instead,
        places.link(connection.at),
      ];
    });
    out.push(
      ...table(['Service', 'Setting', 'Connects to', 'Database', 'Would be served by', 'Where'], rows),
      '',
    );
  }

  if (elsewhere.length > 0) {
    out.push('## Connections elsewhere or unknown', '');
    out.push(
      'Neither a PgBouncer of the folder nor a server one of them serves: another database, a managed service, ' +
        'or a host the audit cannot resolve.',
      '',
    );
    const rows = connectionRows(elsewhere, places, (connection) => [
      escapeMarkdown(serviceName(connection, places)),
      codeSpan(connection.setting),
      codeSpan(target(connection)),
      codeSpan(databaseOf(connection) ?? '(none)'),
      places.link(connection.at),
    ]);
    out.push(...table(['Service', 'Setting', 'Connects to', 'Database', 'Where'], rows), '');
  }

  if (direct.length > 0) {
    out.push('## Expected direct connections', '');
    out.push(
      'Migrations and administration may go straight to PostgreSQL (they need session features PgBouncer ' +
        'does not offer in transaction pooling); they are never reported as bypassing.',
      '',
    );
    const rows = connectionRows(direct, places, (connection) => [
      escapeMarkdown(serviceName(connection, places)),
      codeSpan(connection.setting),
      connection.purpose === 'admin' ? 'administration' : 'migration',
      codeSpan(target(connection)),
      connection.route.kind === 'pooler'
        ? `through ${escapeMarkdown(connection.route.pooler.name)}`
        : connection.route.kind === 'backend'
          ? 'direct'
          : 'elsewhere',
      places.link(connection.at),
    ]);
    out.push(...table(['Service', 'Setting', 'Purpose', 'Connects to', 'Route', 'Where'], rows), '');
  }
  return out;
}

function poolSection(deployment: Deployment, places: Places): string[] {
  const out = ['## Application-side pool configuration', ''];
  out.push(
    "Each connection an application's pool opens is a client of PgBouncer: the pools (size plus overflow, times " +
      'replicas) of every runtime service through a pooler are summed against its max_client_conn, and per ' +
      'database against the server connections its pool can get.',
    '',
  );
  for (const pooler of deployment.poolers) {
    const clients = deployment.connections.filter(
      (connection) =>
        connection.purpose === 'runtime' &&
        connection.route.kind === 'pooler' &&
        connection.route.pooler === pooler,
    );
    out.push(`### ${escapeMarkdown(pooler.name)}`, '');
    if (clients.length === 0) {
      out.push('No runtime service connects through it.', '');
      continue;
    }
    const sized = clients.filter((connection) => clientDemand(connection) !== undefined);
    const unsized = clients.filter((connection) => clientDemand(connection) === undefined);
    const total = sized.reduce((sum, connection) => sum + (clientDemand(connection) ?? 0), 0);
    const maxClientConn = intSetting(pooler, 'max_client_conn');
    const against =
      maxClientConn === undefined
        ? 'max_client_conn cannot be read'
        : total > maxClientConn
          ? `**more than max_client_conn = ${maxClientConn}** (by ${total - maxClientConn}): PgBouncer refuses the rest at peak load`
          : `within max_client_conn = ${maxClientConn} (${maxClientConn - total} to spare)`;
    if (sized.length === 0) {
      out.push(
        `No pool size is set for its ${plural(unsized.length, 'runtime client')}: how many connections they open ` +
          'together is not known from the repository.',
        '',
      );
    } else {
      const counted =
        unsized.length > 0 ? `, ${plural(unsized.length, 'pool')} of unknown size not counted` : '';
      out.push(
        `**${total} client connections** from ${plural(sized.length, 'pool')} of known size${counted}: ${against}.`,
        '',
      );
    }

    const model = poolModelOfPooler(pooler);
    const byDatabase = new Map<string, RoutedConnection[]>();
    for (const connection of clients) {
      const database = databaseOf(connection) ?? '(none)';
      byDatabase.set(database, [...(byDatabase.get(database) ?? []), connection]);
    }
    const rows = [...byDatabase]
      .sort(([a], [b]) => compareText(a, b))
      .map(([database, connections]) => {
        const backend = backendFor(pooler, database);
        const demand = connections.reduce((sum, connection) => sum + (clientDemand(connection) ?? 0), 0);
        const unknown = connections.some((connection) => clientDemand(connection) === undefined);
        let servers = 'not served (no such database)';
        if (backend && model) {
          const pool = model.pools.find(
            (one) => one.database === backend.entry && (one.user === null || one.forced),
          );
          const limit = pool ? poolLimit(model, pool) : undefined;
          servers = limit === undefined ? 'unknown' : Number.isFinite(limit) ? String(limit) : 'no limit';
        } else if (backend) servers = 'unknown';
        const mode = backend ? poolModeOf(pooler, backend) : '';
        return [
          codeSpan(database),
          escapeMarkdown(mode),
          `${demand}${unknown ? ' + unknown' : ''}`,
          servers,
          escapeMarkdown(connections.map((connection) => serviceName(connection, places)).join(', ')),
        ];
      });
    out.push(
      ...table(
        ['Database', 'Pool mode', 'Client connections', 'Server connections per user pool', 'Services'],
        rows,
      ),
      '',
    );
    out.push(
      '_In transaction and statement pooling, clients share the server connections between transactions; in ' +
        'session pooling each connected client holds one, so more clients than server connections wait._',
      '',
    );
    for (const connection of unsized) {
      const fallback = DEFAULT_POOLS[connection.framework];
      out.push(
        `- ${escapeMarkdown(serviceName(connection, places))} (${codeSpan(connection.setting)}, ${places.link(connection.at)}): ` +
          `pool size not set in the repository${fallback ? `; ${escapeMarkdown(fallback)}` : ''}.`,
      );
    }
    if (unsized.length > 0) out.push('');
  }
  return out;
}

function exposureSection(deployment: Deployment, places: Places, redactor: Redactor): string[] {
  const out = ['## Container exposure', ''];
  for (const pooler of deployment.poolers) {
    out.push(`### ${escapeMarkdown(pooler.name)}`, '');
    const mode = clientTlsMode(pooler);
    out.push(`- **Client TLS:** client_tls_sslmode = ${escapeMarkdown(mode)}`);
    const workload = pooler.workload;
    if (!workload) {
      out.push('- No container of the repository runs it: ports, limits and healthchecks are not known.', '');
      continue;
    }
    const model = poolModelOfPooler(pooler);
    const estimate = model ? fileEstimate(model) : undefined;
    const needs = estimate
      ? `max_client_conn (${estimate.clients}), up to ${estimate.servers} server connections and about ${OTHER_FILES} ` +
        `other files need about ${estimate.total}`
      : 'what max_client_conn needs cannot be computed';
    if (workload.nofile) {
      const enough = estimate ? (estimate.total > workload.nofile.soft ? '**too low**: ' : 'enough: ') : '';
      out.push(
        `- **Open files (ulimits nofile):** soft ${workload.nofile.soft}, hard ${workload.nofile.hard} ` +
          `(${places.link(workload.nofile.at)}); ${enough}${needs}`,
      );
    } else {
      out.push(
        `- **Open files (ulimits nofile):** not set, so the container runtime's default applies (not in the ` +
          `repository); ${needs}`,
      );
    }
    const check = workload.healthcheck;
    if (!check) out.push('- **Healthcheck:** none');
    else if (check.disabled) out.push(`- **Healthcheck:** disabled (${places.link(check.at)})`);
    else
      out.push(`- **Healthcheck:** ${codeSpan(redactor.redact(check.command))} (${places.link(check.at)})`);
    out.push('');
    if (pooler.publishedPorts.length === 0) {
      out.push('No port is published: only containers on its network reach it.', '');
      continue;
    }
    const rows = pooler.publishedPorts.map((port) => [
      port.internal ? '(cluster)' : codeSpan(port.hostIp ?? '0.0.0.0'),
      String(port.published ?? '(any)'),
      String(port.target),
      port.protocol,
      reach(port),
      places.link(port.at),
    ]);
    out.push(
      ...table(['Host address', 'Host port', 'Container port', 'Protocol', 'Reachable from', 'Where'], rows),
      '',
    );
  }
  return out;
}

function findingsSection(findings: readonly Finding[], places: Places, redactor: Redactor): string[] {
  const out = ['## Findings of the deployment', ''];
  if (findings.length === 0) {
    out.push('No findings.', '');
    return out;
  }
  const titles = new Map(DEPLOYMENT_RULES.map((rule) => [rule.id, rule.title]));
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) groups.set(finding.code, [...(groups.get(finding.code) ?? []), finding]);
  const worst = (group: readonly Finding[]) =>
    Math.min(...group.map((finding) => SEVERITY_RANK[finding.severity]));
  const ruleOrder = (code: string) => {
    const index = DEPLOYMENT_RULES.findIndex((rule) => rule.id === code);
    return index === -1 ? DEPLOYMENT_RULES.length : index;
  };
  const ordered = [...groups].sort(
    ([a, ga], [b, gb]) => worst(ga) - worst(gb) || ruleOrder(a) - ruleOrder(b) || compareText(a, b),
  );
  for (const [code, group] of ordered) {
    const title = titles.get(code) ?? DESCRIPTIONS_BY_ID.get(code)?.title;
    out.push(`### ${codeSpan(code)}${title ? `: ${escapeMarkdown(title)}` : ''}`, '');
    out.push(`${countsText(group)}`, '');
    const items = [...group].sort(
      (a, b) =>
        compareText(places.label(a.file), places.label(b.file)) ||
        a.span.start - b.span.start ||
        compareText(a.message, b.message),
    );
    for (const finding of items) {
      out.push(
        `- ${places.link(finding)} (${finding.severity}): ${escapeMarkdown(redactor.redact(finding.message))}`,
      );
      for (const related of finding.related ?? [])
        out.push(`  - ${places.link(related)}: ${escapeMarkdown(redactor.redact(related.message))}`);
    }
    out.push('');
  }
  return out;
}

function notCheckedSection(audit: FolderAudit, places: Places): string[] {
  const out = ['## Not checked', '', escapeMarkdown(NOT_CHECKED_ANYWHERE), ''];
  if (audit.truncated)
    out.push('**The folder has more files than the audit reads: only the first ones were read.**', '');
  if (audit.skipped.length > 0) {
    out.push('Files found but not read:', '');
    for (const skipped of [...audit.skipped].sort((a, b) => compareText(a.path, b.path)))
      out.push(
        `- ${escapeMarkdown(places.label(path.resolve(audit.deployment.root, skipped.path)))}: ${escapeMarkdown(skipped.why)}`,
      );
    out.push('');
  }
  return out;
}

/** The deployment report of a folder audit, in Markdown. */
export function buildDeploymentReport(audit: FolderAudit, options: DeploymentReportOptions): string {
  const deployment = audit.deployment;
  const places = new Places(deployment, options);
  const redactor = deploymentRedactor(deployment);
  const out: string[] = [];
  out.push(`# PgBouncer deployment audit: ${escapeMarkdown(options.folderLabel)}`, '');
  out.push(`- **Folder:** ${escapeMarkdown(options.folderLabel)}`);
  const kinds = new Map<string, number>();
  for (const file of deployment.files) kinds.set(file.kind, (kinds.get(file.kind) ?? 0) + 1);
  const kindList = [...kinds].sort(([a], [b]) => compareText(a, b)).map(([kind, n]) => `${n} ${kind}`);
  out.push(
    `- **Files read:** ${deployment.files.length}${kindList.length > 0 ? ` (${escapeMarkdown(kindList.join(', '))})` : ''}`,
  );
  out.push(
    `- **PgBouncers:** ${deployment.poolers.length} · **Connections to PostgreSQL:** ${deployment.connections.length}`,
  );
  out.push(`- **Date:** ${escapeMarkdown(options.date ?? localDate())}`, '');

  if (deployment.poolers.length === 0) {
    out.push(
      'No PgBouncer was found in this folder (no pgbouncer.ini, no PgBouncer image or operator pooler), so ' +
        'there is no deployment to audit.',
      '',
    );
    for (const line of notCheckedSection(audit, places)) out.push(line);
    out.push('_Generated by pgbouncer-lint (PgBouncer Config)._');
    return out.join('\n') + '\n';
  }
  out.push(`**Findings of the deployment:** ${countsText(audit.findings)}.`, '');

  for (const section of [
    poolersSection(deployment, places, redactor),
    servicesSections(deployment, places),
    poolSection(deployment, places),
    exposureSection(deployment, places, redactor),
    findingsSection(audit.findings, places, redactor),
  ])
    for (const line of section) out.push(line);

  const files = deployment.poolers.filter((pooler) => !pooler.generated);
  if (files.length > 0) {
    out.push('## Configuration files', '');
    for (const pooler of files) {
      const report = options.fileReport?.(pooler);
      if (report === undefined) {
        const note = options.fileNote?.(pooler);
        out.push(
          `- ${places.link({ file: pooler.iniPath, span: { start: 0 } })} (${escapeMarkdown(pooler.name)})` +
            `${note ? `: ${escapeMarkdown(note)}` : ''}`,
          '',
        );
      } else out.push(nested(report.replace(/\n+$/, '')), '');
    }
  }
  for (const line of notCheckedSection(audit, places)) out.push(line);
  out.push('_Generated by pgbouncer-lint (PgBouncer Config)._');
  return out.join('\n') + '\n';
}
