import { describeSeconds } from '../catalog/values';
import { FALLBACK_DATABASE, sizeLimit, usableReserve } from '../model/pools';
import { isAvailable, nameList, poolModelOf } from './support/pool-fixes';
import type { Rule } from './rule';

export const sharedDefaultPoolSize: Rule = {
  id: 'shared-default-pool-size',
  category: 'Pool sizing',
  severity: { production: 'information', development: 'information' },
  title: 'No database sets its own pool_size: every pool gets default_pool_size',
  docs: {
    why: 'PgBouncer keeps one pool per database entry and user, and every client of that pair shares it. Without a pool_size on any [databases] (or [users]) entry, every pool gets default_pool_size, and services that connect to the same database entry as the same user compete for the same few server connections however many services there are: one busy or misbehaving service can keep the others waiting.',
    fix: 'Decide how many server connections each group of clients should be able to use. To give a service a share of its own, add a [databases] entry for it (same host and dbname, its own name and pool_size) and point the service at that name; keep the sum of all pools within PostgreSQL max_connections.',
    correction:
      "The audit says that without per-database pool sizes \"all databases share the same pool size\" and that high-traffic databases may starve others. The configuration has a single database entry, so there is nothing to starve between databases; the real sharing is inside that entry: all services log in to 'sahool' as the same user and therefore share one pool of default_pool_size = 20 (plus the reserve). Per-service pools need per-service database entries, which is what the audit's later example with marketplace, billing and iot entries does.",
    link: 'https://www.pgbouncer.org/config.html#pool_size',
  },
  check(context) {
    const model = poolModelOf(context);
    if (!model) return [];
    // First the question that usually ends it: some pool has a size of its own.
    if (model.pools.some((pool) => pool.size.source.level !== 'global')) return [];
    const databases = context.databases.filter(
      (entry) => entry.name !== FALLBACK_DATABASE && entry.connString.error === null,
    );
    if (databases.length === 0) return [];
    const usersSetSize =
      isAvailable(context, 'users', 'pool_size') &&
      context.users.some((user) => user.params.has('pool_size'));
    if (usersSetSize) return [];
    const pool = model.pools.find((candidate) => candidate.counted && databases.includes(candidate.database));
    if (!pool) return [];
    const size = sizeLimit(model, pool);
    if (!Number.isFinite(size) || size <= 0) return [];
    const reserve = usableReserve(model, pool);
    const timeout = model.reserveTimeout.value;
    const extra =
      reserve > 0
        ? ` (plus ${reserve} reserve connections once a client has waited ${describeSeconds(timeout)})`
        : '';
    const shared =
      databases.length === 1
        ? pool.forced
          ? `'${pool.database.name}' forces user=${pool.user ?? ''}, so all its clients share one pool of ${size} server connections${extra}`
          : `all clients of '${pool.database.name}' that log in as the same user share one pool of ${size} server connections${extra}, however many services they are`
        : `each of ${nameList(databases.map((entry) => entry.name))} has one such pool per user, shared by all clients of that database and user`;
    const message =
      `No database sets its own pool_size, so every pool gets default_pool_size = ${size}: ${shared}. ` +
      `To give a busy service its own share, give it its own [databases] entry with pool_size.`;
    const anchor = context.headerAnchor(context.databasesHeader);
    return anchor ? [{ ...anchor, message }] : [];
  },
};
