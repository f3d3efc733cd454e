// The Deployment view's rows as plain data: what the language server's summary of each workspace
// folder (pgbouncer/deployment) shows, and what the view says while there is no summary. No VS Code
// here, so that the tree is tested without it (test/unit/deployment-view.test.ts); view.ts draws it.
import type {
  DeploymentLocation,
  DeploymentSummary,
  DeploymentSummaryClient,
  DeploymentSummaryPooler,
} from '../../../server/src/api';

/** What the view knows: the language server's state, then the answer of its last request. */
export type DeploymentViewState =
  | { kind: 'starting' }
  | { kind: 'stopped'; reason?: string }
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; summaries: readonly DeploymentSummary[] };

export interface DeploymentItem {
  /** Unique in the tree, and the same for the same thing across refreshes (keeps rows expanded). */
  id: string;
  label: string;
  description?: string;
  /** Plain text, several lines. */
  tooltip?: string;
  /** A codicon id. */
  icon: string;
  tone?: 'warning' | 'error';
  children?: DeploymentItem[];
  /** Clicking the row opens this range. */
  location?: DeploymentLocation;
  contextValue: string;
}

const KIND_LABELS: Record<string, string> = {
  ini: 'pgbouncer.ini',
  edoburu: 'edoburu/pgbouncer',
  bitnami: 'bitnami/pgbouncer',
  'cloudnative-pg': 'CloudNativePG Pooler',
  zalando: 'Zalando connection pooler',
};

const PURPOSE_ICONS: Record<DeploymentSummaryClient['purpose'], string> = {
  runtime: 'plug',
  migration: 'tools',
  admin: 'shield',
};

export interface ItemOptions {
  /** Workspace folders open: each folder is a row of its own only when there are several. */
  folderCount: number;
  /**
   * The editor's name of the workspace folder at this path: a .code-workspace may name a folder
   * otherwise than its path ends. Without one, the path's last part.
   */
  folderName?: (folder: string) => string | undefined;
}

/** The rows of the view's root; an empty list lets the view's welcome text show (no PgBouncer found). */
export function deploymentItems(state: DeploymentViewState, options: ItemOptions): DeploymentItem[] {
  switch (state.kind) {
    case 'starting':
      return [statusItem('starting', 'Starting the PgBouncer language server…', 'loading~spin')];
    case 'stopped':
      return [
        {
          ...statusItem('stopped', 'The PgBouncer language server is not running', 'error'),
          description: state.reason ?? 'the output "PgBouncer Config" says why',
          tooltip:
            'The deployment is read by the language server. The output channel "PgBouncer Config" says why it is not running.',
          tone: 'error',
        },
      ];
    case 'loading':
      return [statusItem('loading', 'Reading the deployment…', 'loading~spin')];
    case 'failed':
      return [
        {
          ...statusItem('failed', 'The deployment could not be read', 'error'),
          description: state.message,
          tooltip: state.message,
          tone: 'error',
        },
      ];
    case 'ready':
      break;
  }
  const ids = new Map<string, number>();
  const unique = (id: string): string => {
    const seen = ids.get(id) ?? 0;
    ids.set(id, seen + 1);
    return seen === 0 ? id : `${id}#${seen}`;
  };
  if (options.folderCount > 1) {
    return state.summaries.map((summary) => ({
      id: unique(`folder:${summary.folder}`),
      label: options.folderName?.(summary.folder) || baseName(summary.folder),
      description: summary.folder,
      icon: 'root-folder',
      contextValue: 'pgbouncer.deployment.folder',
      children: folderItems(summary, unique),
    }));
  }
  return state.summaries.flatMap((summary) => folderItems(summary, unique));
}

function statusItem(kind: string, label: string, icon: string): DeploymentItem {
  return { id: `status:${kind}`, label, icon, contextValue: `pgbouncer.deployment.${kind}` };
}

type Unique = (id: string) => string;

/** One folder: its PgBouncers (with what connects through them), then those that go around them. */
function folderItems(summary: DeploymentSummary, unique: Unique): DeploymentItem[] {
  const prefix = `${summary.folder}|`;
  const poolerNames = new Set(summary.poolers.map((pooler) => pooler.name));
  const items = summary.poolers.map((pooler) =>
    poolerItem(
      pooler,
      summary.clients.filter((client) => client.route === 'pooler' && client.pooler === pooler.name),
      prefix,
      unique,
    ),
  );
  const bypassing = summary.clients.filter((client) => client.route === 'bypass');
  if (bypassing.length > 0) {
    const unexpected = bypassing.filter((client) => client.purpose === 'runtime').length;
    const direct = bypassing.length - unexpected;
    items.push({
      id: unique(`${prefix}bypass`),
      label: 'Bypassing the pooler',
      description: [
        unexpected > 0 ? `${unexpected} ${unexpected === 1 ? 'service' : 'services'}` : '',
        direct > 0 ? `${direct} migration or admin (expected)` : '',
      ]
        .filter(Boolean)
        .join(', '),
      tooltip:
        'Connections straight to a PostgreSQL server that a PgBouncer of this workspace serves. ' +
        'Migrations and administration are expected to connect directly; services are not.',
      icon: unexpected > 0 ? 'warning' : 'debug-disconnect',
      tone: unexpected > 0 ? 'warning' : undefined,
      contextValue: 'pgbouncer.deployment.bypass',
      children: bypassing.map((client) => clientItem(client, 'bypass', prefix, unique)),
    });
  }
  // A connection routed to a pooler the summary does not list has nowhere else to go.
  const elsewhere = summary.clients.filter(
    (client) =>
      client.route === 'unknown' ||
      (client.route === 'pooler' && (client.pooler === undefined || !poolerNames.has(client.pooler))),
  );
  if (elsewhere.length > 0) {
    items.push({
      id: unique(`${prefix}elsewhere`),
      label: 'Elsewhere',
      description: `${elsewhere.length} not to a PgBouncer or server of this workspace`,
      tooltip:
        'Connection strings whose host is neither a PgBouncer nor a PostgreSQL server this workspace describes (a managed database, another repository, a variable not set here).',
      icon: 'globe',
      contextValue: 'pgbouncer.deployment.elsewhere',
      children: elsewhere.map((client) => clientItem(client, 'elsewhere', prefix, unique)),
    });
  }
  return items;
}

function poolerItem(
  pooler: DeploymentSummaryPooler,
  clients: DeploymentSummaryClient[],
  prefix: string,
  unique: Unique,
): DeploymentItem {
  const kind = KIND_LABELS[pooler.kind] ?? pooler.kind;
  const id = `${prefix}pooler:${pooler.name}`;
  // A client goes under the database it asks for, else under the '*' fallback, else under the
  // PgBouncer itself (a database it does not serve: the connection has a problem).
  const names = new Set(pooler.databases.map((database) => database.name));
  const fallback = names.has('*');
  const databaseOf = (client: DeploymentSummaryClient): string | undefined =>
    names.has(client.database) ? client.database : fallback ? '*' : undefined;
  const databases = pooler.databases.map((database): DeploymentItem => ({
    id: unique(`${id}|database:${database.name}`),
    label: database.name === '*' ? '* (any other database)' : database.name,
    description: `→ ${database.server}`,
    tooltip: `PgBouncer '${pooler.name}' serves ${database.name === '*' ? 'every other database' : `database '${database.name}'`} from ${database.server}.`,
    icon: 'database',
    contextValue: 'pgbouncer.deployment.database',
    children: clients
      .filter((client) => databaseOf(client) === database.name)
      .map((client) => clientItem(client, 'pooler', prefix, unique)),
  }));
  const unserved = clients.filter((client) => databaseOf(client) === undefined);
  const troubled = clients.some((client) => client.problem);
  return {
    id: unique(id),
    label: pooler.name,
    description: [kind, pooler.release, `port ${pooler.listenPort}`].filter(Boolean).join(' · '),
    tooltip: [
      `PgBouncer '${pooler.name}' (${kind}${pooler.release ? `, release ${pooler.release}` : ''}), listening on port ${pooler.listenPort}.`,
      `${clients.length} ${clients.length === 1 ? 'connection goes' : 'connections go'} through it.`,
      troubled ? 'Some of them have problems: see the rows marked with a warning.' : '',
    ]
      .filter(Boolean)
      .join('\n'),
    icon: 'server-process',
    tone: troubled ? 'warning' : undefined,
    location: pooler.location,
    contextValue: 'pgbouncer.deployment.pooler',
    children: [...databases, ...unserved.map((client) => clientItem(client, 'unserved', prefix, unique))],
  };
}

type Placement = 'pooler' | 'unserved' | 'bypass' | 'elsewhere';

function clientItem(
  client: DeploymentSummaryClient,
  placement: Placement,
  prefix: string,
  unique: Unique,
): DeploymentItem {
  const start = client.location.range.start;
  const id = `${prefix}client:${client.location.uri}:${start.line}:${start.character}:${client.name}`;
  const expectedDirect = client.purpose !== 'runtime';
  const parts: string[] = [];
  if (client.setting !== client.name) parts.push(client.setting);
  // Under a served database the row's parent names it already.
  if (placement === 'unserved') parts.push(`database '${client.database}' not served`);
  else if (placement !== 'pooler')
    parts.push(`${client.target}${client.database ? `/${client.database}` : ''}`);
  if (expectedDirect)
    parts.push(placement === 'bypass' ? `${client.purpose}, direct by design` : client.purpose);
  if (client.poolSize !== undefined) parts.push(`pool ${client.poolSize}`);
  // A service going around its pooler is marked even where no rule reported it (rule turned off).
  const marked = client.problem || (placement === 'bypass' && !expectedDirect);
  return {
    id: unique(id),
    label: client.name,
    description: parts.join(' · '),
    tooltip: clientTooltip(client, placement),
    icon: marked ? 'warning' : PURPOSE_ICONS[client.purpose],
    tone: marked ? 'warning' : undefined,
    location: client.location,
    contextValue: `pgbouncer.deployment.client${client.problem ? ' problem' : ''}`,
  };
}

function clientTooltip(client: DeploymentSummaryClient, placement: Placement): string {
  const database = client.database ? `database '${client.database}'` : 'no database named';
  const lines = [
    `${client.name === client.setting ? client.setting : `${client.name} (${client.setting})`}: ${client.purpose} connection to ${client.target || 'an unknown host'}, ${database}.`,
  ];
  if (placement === 'pooler' || placement === 'unserved') lines.push(`Through PgBouncer '${client.pooler}'.`);
  if (placement === 'unserved') lines.push(`PgBouncer '${client.pooler}' does not serve this database.`);
  if (placement === 'bypass') {
    lines.push(
      client.purpose === 'runtime'
        ? `Straight to the server behind PgBouncer '${client.pooler}', bypassing it.`
        : `Straight to the server behind PgBouncer '${client.pooler}': ${client.purpose === 'migration' ? 'migrations are' : 'administration is'} expected to connect directly.`,
    );
  }
  if (placement === 'elsewhere') lines.push('Not to a PgBouncer or server of this workspace.');
  if (client.poolSize !== undefined) lines.push(`Its pools may open up to ${client.poolSize} connections.`);
  if (client.problem) lines.push('A problem is reported on this connection string: see the Problems panel.');
  return lines.join('\n');
}

function baseName(folder: string): string {
  return folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
}
