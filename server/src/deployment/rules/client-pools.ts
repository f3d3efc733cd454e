import { readCInt } from '../../catalog/values';
import { buildPoolModel, poolConfigOf, poolLimit } from '../../model/pools';
import type { RelatedInfo } from '../../findings/finding';
import type { DeploymentFindingDraft, DeploymentRule } from '../rule';
import type { Pooler, RoutedConnection } from '../model';
import { backendFor, databaseOf, poolerName, poolModeOf, settingPlace, who } from './support';

/** The connections a client's pool may open: its size plus overflow, times its replicas. */
export function clientDemand(connection: RoutedConnection): number | undefined {
  if (!connection.poolSize) return undefined;
  return (connection.poolSize.size + (connection.poolOverflow?.size ?? 0)) * connection.replicas;
}

function demandText(connection: RoutedConnection): string {
  const overflow = connection.poolOverflow ? ` + ${connection.poolOverflow.size} overflow` : '';
  const replicas = connection.replicas > 1 ? ` × ${connection.replicas} replicas` : '';
  return `${who(connection)}: pool ${connection.poolSize?.size ?? '?'}${overflow}${replicas}`;
}

function clientsOf(
  deployment: { connections: readonly RoutedConnection[] },
  pooler: Pooler,
): RoutedConnection[] {
  return deployment.connections.filter(
    (connection) =>
      connection.route.kind === 'pooler' &&
      connection.route.pooler === pooler &&
      connection.purpose === 'runtime',
  );
}

function related(connections: readonly RoutedConnection[]): RelatedInfo[] {
  return connections.flatMap((connection) =>
    connection.poolSize
      ? [
          {
            file: connection.poolSize.at.file,
            span: connection.poolSize.at.span,
            message: demandText(connection),
          },
        ]
      : [],
  );
}

export const clientPoolsExceedMaxClientConn: DeploymentRule = {
  id: 'deployment-client-pools-exceed-max-client-conn',
  severity: 'warning',
  title: "The applications' pools together can open more connections than max_client_conn",
  docs: {
    why: 'Each connection of an application\'s pool is a client of PgBouncer. When the pools of every service (pool size plus overflow, times replicas) can open more than max_client_conn, PgBouncer refuses the rest ("no more connections allowed") at the moment of highest load.',
    fix: "Raise max_client_conn above the sum (and the open-files limit with it), or make the applications' pools smaller.",
  },
  check(deployment) {
    return deployment.poolers.flatMap((pooler): DeploymentFindingDraft[] => {
      const clients = clientsOf(deployment, pooler).filter(
        (connection) => clientDemand(connection) !== undefined,
      );
      if (clients.length === 0) return [];
      const total = clients.reduce((sum, connection) => sum + (clientDemand(connection) ?? 0), 0);
      const reading = readCInt(pooler.lint.effective.value('max_client_conn'));
      // Clients are spread over the pooler's copies (a Service in front of its pods).
      const capacity = reading.ok ? reading.stored * pooler.instances : 0;
      if (!reading.ok || total <= capacity) return [];
      const limit =
        pooler.instances > 1
          ? `max_client_conn = ${reading.stored} × ${pooler.instances} instances = ${capacity}`
          : `max_client_conn = ${reading.stored}`;
      return [
        {
          ...settingPlace(pooler, 'max_client_conn'),
          message:
            `The applications that connect through ${poolerName(pooler)} can open ${total} connections together ` +
            `(${clients.length} pool${clients.length > 1 ? 's' : ''}), more than ${limit}: ` +
            `PgBouncer refuses the rest at peak load.`,
          related: related(clients),
        },
      ];
    });
  },
};

export const clientPoolsExceedServerPool: DeploymentRule = {
  id: 'deployment-client-pools-exceed-server-pool',
  severity: 'warning',
  title: 'In session pooling, the applications can hold more connections than the pool has',
  docs: {
    why: 'In session pooling each client holds a server connection for as long as it is connected. Application pools keep their connections open, so when they are larger in sum than what the database pool can get (pool_size plus reserve, under max_db_connections and max_user_connections), the rest wait in the queue until query_wait_timeout ends them.',
    fix: 'Use transaction pooling where the applications allow it, make the pool larger, or make the applications’ pools smaller.',
  },
  check(deployment) {
    return deployment.poolers.flatMap((pooler): DeploymentFindingDraft[] => {
      const model = buildPoolModel(poolConfigOf(pooler.lint.effective));
      if (!model) return [];
      const byDatabase = new Map<string, RoutedConnection[]>();
      for (const connection of clientsOf(deployment, pooler)) {
        const database = databaseOf(connection);
        if (database === undefined || clientDemand(connection) === undefined) continue;
        const backend = backendFor(pooler, database);
        if (!backend || poolModeOf(pooler, backend) !== 'session') continue;
        byDatabase.set(database, [...(byDatabase.get(database) ?? []), connection]);
      }
      const found: DeploymentFindingDraft[] = [];
      for (const [database, clients] of byDatabase) {
        const backend = backendFor(pooler, database);
        const pool = model.pools.find(
          (one) => one.database === backend?.entry && (one.user === null || one.forced),
        );
        if (!pool) continue;
        const limit = poolLimit(model, pool);
        const total = clients.reduce((sum, connection) => sum + (clientDemand(connection) ?? 0), 0);
        if (!Number.isFinite(limit) || total <= limit) continue;
        const first = clients[0];
        if (!first) continue;
        found.push({
          file: first.at.file,
          span: first.at.span,
          message:
            `In session pooling, the applications using database '${database}' of ${poolerName(pooler)} keep up to ` +
            `${total} connections open, but its pool can get ${limit} server connections: the others wait, and ` +
            `query_wait_timeout disconnects them.`,
          related: related(clients),
        });
      }
      return found;
    });
  },
};
