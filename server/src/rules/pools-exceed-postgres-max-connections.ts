import { poolModelOf } from './support/pool-fixes';
import type { RelatedInfo } from '../findings/finding';
import { SUPERUSER_RESERVED_CONNECTIONS, postgresAvailable, serverProblems } from '../model/pools';
import type { DatabaseLoad, ServerGroup } from '../model/pools';
import type { Rule, RuleFinding } from './rule';

function amount(n: number): string {
  return Number.isFinite(n) ? String(n) : 'no limit';
}

function breakdown(load: DatabaseLoad): string {
  const capped = load.cappedBy ? ` (max_db_connections)` : '';
  return `'${load.entry.name}' ${amount(load.limit)}${capped}`;
}

/** Databases named one by one in a message; a longer list ends in "and N more". */
const MAX_LISTED = 10;
/**
 * Related locations per finding: the other databases the message names (the finding is on the
 * first). Every edit sends them all again, for every server.
 */
const MAX_RELATED = MAX_LISTED - 1;

function breakdowns(loads: readonly DatabaseLoad[]): string {
  const listed = loads.slice(0, MAX_LISTED).map(breakdown).join(', ');
  return loads.length > MAX_LISTED ? `${listed} and ${loads.length - MAX_LISTED} more` : listed;
}

function message(group: ServerGroup, maxConnections: number, available: number): string {
  const many = group.databases.length > 1;
  const what = many
    ? `The ${group.databases.length} databases on ${group.label}`
    : `Database '${group.databases[0].entry.name}' on ${group.label}`;
  const postgres = `PostgreSQL's max_connections = ${maxConnections} leaves ${available} after ${SUPERUSER_RESERVED_CONNECTIONS} superuser-reserved connections`;
  const total = Number.isFinite(group.total)
    ? `${what} may open up to ${group.total} server connections${many ? ` (${breakdowns(group.databases)})` : ''}, but ${postgres}.`
    : `${what} may open any number of server connections (a pool size of 0 means no limit, and no max_db_connections caps it), but ${postgres}.`;
  const perUser = group.databases.some((load) => load.forcedUser === null)
    ? ' This counts one user per database without user=; every further user of such a database adds a pool of its own.'
    : '';
  return (
    `${total}${perUser} Lower the pool sizes or cap them with max_db_connections, or raise max_connections ` +
    `(and postgresMaxConnections in .pgbouncerlintrc.json).`
  );
}

export const poolsExceedPostgresMaxConnections: Rule = {
  id: 'pools-exceed-postgres-max-connections',
  category: 'Pool sizing',
  severity: { production: 'warning', development: 'information' },
  title: 'The pools may open more server connections than PostgreSQL allows',
  docs: {
    why: 'Every [databases] entry gets its own pools, one per user (one in all when the entry forces user=), and each pool may open its pool size plus its reserve. When the pools that point at one PostgreSQL server can together open more connections than its max_connections allows, PostgreSQL refuses logins under load ("sorry, too many clients already") and PgBouncer clients see errors instead of waiting in the queue. superuser_reserved_connections (3 by default) are not available to ordinary roles.',
    fix: 'Make the sum fit: lower pool_size/default_pool_size or reserve_pool_size, cap databases with max_db_connections and users with max_user_connections, or raise max_connections on the PostgreSQL server. Tell the linter the real max_connections with "postgresMaxConnections" in .pgbouncerlintrc.json (default 100, PostgreSQL\'s default).',
    correction:
      'The audit treats max_db_connections = 100 as the total number of server connections shared by all 39 services. It is a cap per database entry; the total PostgreSQL sees is the sum over all entries that point at it, each entry contributing its pools (pool size plus reserve per user), capped by its own max_db_connections. This rule adds that sum up per PostgreSQL server.',
    link: 'https://www.pgbouncer.org/config.html#default_pool_size',
  },
  check(context) {
    const model = poolModelOf(context);
    if (!model) return [];
    const available = postgresAvailable(context.options);
    const findings: RuleFinding[] = [];
    for (const group of serverProblems(model, context.options)) {
      const first = group.databases[0];
      const others = group.databases.slice(1, 1 + MAX_RELATED);
      const related: RelatedInfo[] = others.map((load) => ({
        file: load.entry.at.file.path,
        span: load.entry.at.entry.key.span,
        message: `'${load.entry.name}' may open up to ${amount(load.limit)} server connections to ${group.label}`,
      }));
      const found: RuleFinding = {
        ...context.databaseAnchor(first.entry),
        message: message(group, context.options.postgresMaxConnections, available),
      };
      if (related.length > 0) found.related = related;
      findings.push(found);
    }
    return findings;
  },
};
