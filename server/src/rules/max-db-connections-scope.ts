import { describe, poolCapacity, scopeProblems, usableReserve } from '../model/pools';
import { anchorOf, nameList, poolModelOf } from './support/pool-fixes';
import type { PoolModel, ScopeProblem } from '../model/pools';
import type { Rule, RuleFinding } from './rule';

function composition(model: PoolModel, database: ScopeProblem['databases'][number]): string {
  const pool = database.largest;
  const parts = [describe(pool.size)];
  if (usableReserve(model, pool) > 0) parts.push(describe(pool.reserve));
  let text = parts.join(' plus ');
  if (pool.userCap && pool.userCap.value < poolCapacity(model, pool))
    text += `, capped by ${describe(pool.userCap)}`;
  return text;
}

function message(model: PoolModel, problem: ScopeProblem): string {
  const cap = problem.cap.value;
  const global = problem.cap.source.level === 'global';
  const scope = global
    ? `${describe(problem.cap)} limits each database entry on its own (all users of that database together), not PgBouncer as a whole.`
    : `${describe(problem.cap)} caps the server connections of that database, all its pools together.`;
  const shared = problem.databases.filter((database) => database.forcedUser === null);
  const forced = problem.databases.filter((database) => database.forcedUser !== null);
  const sentences = [scope];
  if (shared.length > 0) {
    const largest = shared.reduce((a, b) => (b.largestPool > a.largestPool ? b : a));
    const users = largest.largestPool > 0 ? Math.ceil(cap / largest.largestPool) : Infinity;
    const who = shared.length === 1 ? `'${largest.name}'` : `a database (largest: '${largest.name}')`;
    const reached = Number.isFinite(users)
      ? `the limit of ${cap} only comes into play when ${users} or more users connect to ${shared.length === 1 ? 'it' : 'the same database'}`
      : `the limit of ${cap} is never reached`;
    sentences.push(
      `One pool of ${who} holds at most ${largest.largestPool} server connections (${composition(model, largest)}), so ` +
        `${reached}; clients that log in as one user share those ${largest.largestPool} whatever the limit.`,
    );
  }
  if (forced.length > 0) {
    const names = nameList(forced.map((database) => database.name));
    const one = forced.length === 1;
    const most = Math.max(...forced.map((database) => database.largestPool));
    sentences.push(
      `${names} ${one ? 'forces a user and so has' : 'force a user and so have'} a single pool of at most ${most} ` +
        `server connections: the limit is never reached there.`,
    );
  }
  sentences.push('To give clients more server connections, raise the pool size, not this limit.');
  return sentences.join(' ');
}

export const maxDbConnectionsScope: Rule = {
  id: 'max-db-connections-scope',
  category: 'Pool sizing',
  severity: { production: 'information', development: 'information' },
  title: 'max_db_connections is above what the pools can use: it limits each database, not the total',
  docs: {
    why: 'max_db_connections caps the server connections of one [databases] entry, summed over the pools of all users of that entry. It does not cap PgBouncer as a whole, and it does not hand out connections to clients: clients wait for a connection of their own pool, whose size is pool_size (or default_pool_size) plus the reserve. When the cap is larger than a single pool can ever be, it only matters if several users share a database, and raising it gives clients nothing.',
    fix: "Size the pools to the load: raise default_pool_size or the database's pool_size if clients wait (SHOW POOLS, cl_waiting and maxwait), and keep max_db_connections as a safety net for databases used by several users, below what PostgreSQL max_connections can take.",
    correction:
      "The audit reads max_db_connections = 100 as 100 connections shared by 39+ services, about 2-3 per service, and recommends raising it to 150-200. In PgBouncer the limit applies per database entry, all users of it together, and only bounds how many pools of that entry can be open at once. The 39 services log in to 'sahool' as the same user, so they share one pool of default_pool_size = 20 plus reserve_pool_size = 5: at most 25 server connections, which never reach the limit of 100. Raising max_db_connections changes nothing for them; raising default_pool_size would. Connections per service is not the measure either: in transaction mode a client holds a server connection only while a transaction runs.",
    link: 'https://www.pgbouncer.org/config.html#max_db_connections',
  },
  check(context) {
    const model = poolModelOf(context);
    if (!model) return [];
    const findings: RuleFinding[] = [];
    for (const problem of scopeProblems(model)) {
      const anchor = anchorOf(context, problem.cap.source);
      if (anchor) findings.push({ ...anchor, message: message(model, problem) });
    }
    return findings;
  },
};
