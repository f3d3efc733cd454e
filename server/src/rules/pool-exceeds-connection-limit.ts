import { capProblems, describe } from '../model/pools';
import { anchorOf, nameList, poolFix, poolModelOf } from './support/pool-fixes';
import type { CapProblem, PoolModel } from '../model/pools';
import type { Change } from './support/pool-fixes';
import { fixes } from './rule';
import type { Rule, RuleContext, RuleFinding } from './rule';

const ID = 'pool-exceeds-connection-limit';

function scope(problem: CapProblem): string {
  return problem.capKind === 'database'
    ? 'per database, all its users together'
    : 'per user, over all databases';
}

function pools(problem: CapProblem): string {
  const users = problem.users.length > 0 ? ` as ${nameList(problem.users)}` : '';
  return `a pool of ${nameList(problem.databases)}${users}`;
}

function message(problem: CapProblem): string {
  const cap = problem.cap.value;
  const size = problem.size.value;
  const capName = problem.cap.source.canonical;
  const reserve = problem.reserveUsed > 0 ? ` plus ${describe(problem.reserve)}` : '';
  if (problem.kind === 'pool') {
    const lost =
      problem.reserveUsed > 0
        ? `${size - cap} of its pool size and all of its reserve`
        : `${size - cap} of its pool size`;
    return (
      `${describe(problem.cap)} (${scope(problem)}) is below the pool size, ${describe(problem.size)}${reserve}: ` +
      `${pools(problem)} can never have more than ${cap} server connections, so ${lost} can never be used. ` +
      `Lower the pool size to ${cap}, or raise ${capName}.`
    );
  }
  const room = cap - size;
  const leaves =
    room > 0
      ? `leaves room for only ${room} of the ${problem.reserveUsed}`
      : `leaves no room for the ${problem.reserveUsed}`;
  return (
    `${describe(problem.cap)} (${scope(problem)}) ${leaves} reserve connections: ` +
    `${pools(problem)} has ${describe(problem.size)}${reserve}, ${size + problem.reserveUsed} in all. ` +
    `Lower the reserve to ${room}, or raise ${capName}.`
  );
}

function fix(context: RuleContext, model: PoolModel, problem: CapProblem) {
  const cap = problem.cap.value;
  const changes: Change[] = [];
  if (problem.kind === 'pool') {
    changes.push({ source: problem.size.source, value: cap });
    if (problem.reserveUsed > 0) changes.push({ source: problem.reserve.source, value: 0 });
  } else {
    changes.push({ source: problem.reserve.source, value: cap - problem.size.value });
  }
  return poolFix(context, model, ID, [changes], {
    preserve: true,
    databases: problem.databases,
  });
}

export const poolExceedsConnectionLimit: Rule = {
  id: ID,
  category: 'Pool sizing',
  severity: { production: 'warning', development: 'warning' },
  title: 'Pool size and reserve exceed max_db_connections or max_user_connections',
  docs: {
    why: 'A pool may open pool_size connections, plus reserve_pool_size more once clients have waited reserve_pool_timeout. max_db_connections (per database, all users together) and max_user_connections (per user, all databases together) are checked on top of that, and the lower number wins. When a cap is below the pool size plus reserve, part of the pool or of the reserve can never be used, and the configuration promises capacity that PgBouncer will not open.',
    fix: 'Make the numbers agree: lower pool_size (or default_pool_size) and reserve_pool_size so that they fit under the cap, or raise max_db_connections or max_user_connections if the pool is meant to grow that far (checking that PostgreSQL max_connections covers it).',
    link: 'https://www.pgbouncer.org/config.html#max_db_connections',
  },
  check(context) {
    const model = poolModelOf(context);
    if (!model) return [];
    const findings: RuleFinding[] = [];
    for (const problem of capProblems(model)) {
      const anchor = anchorOf(context, problem.cap.source);
      if (!anchor) continue;
      const found: RuleFinding = { ...anchor, message: message(problem) };
      const offered = fixes(fix(context, model, problem));
      if (offered.length > 0) found.fixes = offered;
      findings.push(found);
    }
    return findings;
  },
};
