import { availableIn } from '../../catalog/catalog';
import { readCInt } from '../../catalog/values';
import type { DeploymentFindingDraft, DeploymentRule } from '../rule';
import type { Pooler } from '../model';
import { backendFor, databaseOf, poolerName, poolModeOf, settingRelated, who } from './support';

/** PgBouncer tracks protocol-level prepared statements in transaction pooling from 1.21. */
const PREPARED_SINCE = '1.21.0';

export function supportsPrepared(pooler: Pooler): boolean {
  if (!availableIn(PREPARED_SINCE, pooler.lint.target)) return false;
  const reading = readCInt(pooler.lint.effective.value('max_prepared_statements'));
  return reading.ok && reading.stored > 0;
}

export const preparedStatements: DeploymentRule = {
  id: 'deployment-prepared-statements',
  severity: 'warning',
  title: 'Prepared statements through transaction pooling that PgBouncer does not track',
  docs: {
    why: 'In transaction and statement pooling a client gets another server connection for each transaction. A statement it prepared on one is not there on the next ("prepared statement does not exist") or already exists under its name ("prepared statement already exists"). PgBouncer 1.21 and later track protocol-level prepared statements when max_prepared_statements is above 0; older releases, or max_prepared_statements = 0, do not. Prisma prepares statements unless its URL has pgbouncer=true, asyncpg keeps a statement cache, Rails prepares unless prepared_statements: false.',
    fix: 'Run PgBouncer 1.21 or later with max_prepared_statements above 0 (1.22 and later: 200 by default), or turn prepared statements off in the client (Prisma: pgbouncer=true; asyncpg: statement_cache_size=0; Rails: prepared_statements: false).',
  },
  check(deployment) {
    return deployment.connections.flatMap((connection): DeploymentFindingDraft[] => {
      if (connection.route.kind !== 'pooler' || !connection.preparedStatements) return [];
      const { pooler } = connection.route;
      const mode = poolModeOf(pooler, backendFor(pooler, databaseOf(connection)));
      if (mode !== 'transaction' && mode !== 'statement') return [];
      const supported = supportsPrepared(pooler);
      const prepared = connection.preparedStatements;
      if (prepared.on && !supported) {
        const why = availableIn(PREPARED_SINCE, pooler.lint.target)
          ? 'max_prepared_statements = 0'
          : `PgBouncer ${pooler.lint.target.label} does not track them (1.21 and later do)`;
        return [
          {
            file: connection.at.file,
            span: connection.at.span,
            message:
              `${who(connection)} uses prepared statements through ${poolerName(pooler)} in ${mode} pooling, and ` +
              `${why}: queries fail with "prepared statement … does not exist" or "already exists". ` +
              `${prepared.why.charAt(0).toUpperCase()}${prepared.why.slice(1)}.`,
            related: [settingRelated(pooler, 'pool_mode', `pool_mode = ${mode}`)],
          },
        ];
      }
      if (
        !prepared.on &&
        supported &&
        connection.framework === 'prisma' &&
        prepared.why === 'pgbouncer=true'
      ) {
        return [
          {
            file: connection.at.file,
            span: connection.at.span,
            severity: 'information',
            message:
              `${who(connection)} has pgbouncer=true, which ${poolerName(pooler)} no longer needs: it tracks ` +
              `prepared statements (max_prepared_statements > 0), so Prisma could keep its statements prepared.`,
          },
        ];
      }
      return [];
    });
  },
};
