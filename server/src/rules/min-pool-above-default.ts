import { describe, minProblems } from '../model/pools';
import {
  anchorOf,
  isAvailable,
  nameList,
  newDatabaseParam,
  poolFix,
  poolModelOf,
} from './support/pool-fixes';
import type { MinProblem, PoolModel } from '../model/pools';
import type { Change } from './support/pool-fixes';
import { fixes } from './rule';
import type { Rule, RuleContext, RuleFinding } from './rule';

const ID = 'min-pool-above-default';

function where(problem: MinProblem): string {
  return problem.anchor.level === 'user' ? `, for its pools on ${nameList(problem.databases)}` : '';
}

function message(model: PoolModel, problem: MinProblem): string {
  const min = describe(problem.min);
  const size = describe(problem.size);
  if (problem.kind === 'never') {
    const zero = model.zeroIsUnlimited
      ? 'a pool size of 0 means no limit, and PgBouncer then never opens connections to reach min_pool_size'
      : 'a pool of size 0 has no room for them, so PgBouncer never opens them';
    return `${min} has no effect with ${size}${where(problem)}: ${zero}. Set a pool size, or drop min_pool_size.`;
  }
  const n = problem.size.value;
  return (
    `${min} is more than the pool size (${size}${where(problem)}): PgBouncer never keeps more than ${n} ` +
    `connections open in such a pool, so it acts as ${n}. Lower min_pool_size to ${n}, or raise the pool size.`
  );
}

function fix(context: RuleContext, model: PoolModel, problem: MinProblem) {
  const value = problem.kind === 'never' ? 0 : problem.size.value;
  let change: Change | null = null;
  if (problem.anchor === problem.min.source) {
    change = { source: problem.min.source, value };
  } else if (
    problem.anchor.level === 'database' &&
    problem.anchor.owner &&
    isAvailable(context, 'databases', 'min_pool_size')
  ) {
    // The database sets its own pool size below the global minimum: give it its own minimum.
    change = { source: newDatabaseParam(problem.anchor.owner, 'min_pool_size'), value };
  }
  if (!change) return null;
  // Safe when the pools keep their behaviour (the minimum was cut to the pool size, or not applied
  // at all); raising the pool size instead is the user's other choice, named in the message.
  return poolFix(context, model, ID, [[change]], {
    preserve: true,
    databases: change.source.level === 'global' ? problem.databases : undefined,
  });
}

export const minPoolAboveDefault: Rule = {
  id: ID,
  category: 'Pool sizing',
  severity: { production: 'warning', development: 'warning' },
  title: 'min_pool_size is larger than the pool it applies to',
  docs: {
    why: 'PgBouncer never opens more connections for min_pool_size than the pool size allows: the janitor only adds a connection while the pool is below both numbers. A minimum above the pool size is silently cut down to it, and with a pool size of 0 the minimum is not applied at all. One of the two numbers is not what the configuration means.',
    fix: 'Lower min_pool_size (globally or with min_pool_size= on the database) to the pool size, or raise default_pool_size or the pool_size of the database or user. Remember that min_pool_size is per pool: every database/user pair keeps that many connections to PostgreSQL open.',
    link: 'https://www.pgbouncer.org/config.html#min_pool_size',
  },
  check(context) {
    const model = poolModelOf(context);
    if (!model) return [];
    const findings: RuleFinding[] = [];
    for (const problem of minProblems(model)) {
      const anchor = anchorOf(context, problem.anchor);
      if (!anchor) continue;
      const found: RuleFinding = { ...anchor, message: message(model, problem) };
      const offered = fixes(fix(context, model, problem));
      if (offered.length > 0) found.fixes = offered;
      findings.push(found);
    }
    return findings;
  },
};
