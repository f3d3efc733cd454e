import { choicesOf } from './support/pool-modes';
import type { Rule, RuleFinding } from './rule';

export const statementPooling: Rule = {
  id: 'statement-pooling',
  category: 'Configuration quality',
  severity: { production: 'warning', development: 'warning' },
  title: 'Statement pooling refuses multi-statement transactions',
  docs: {
    why: 'With pool_mode = statement a server connection goes back to the pool after every statement, so PgBouncer refuses any transaction that spans more than one statement (an explicit BEGIN ... COMMIT, or a driver with autocommit off). Most applications and ORMs rely on such transactions and fail in ways that are hard to trace back to the pooler. Statement pooling is meant for special setups such as PL/Proxy, where every call is a single autocommitted statement.',
    fix: 'Use pool_mode = transaction, which pools almost as tightly and keeps transactions intact. Keep statement pooling only for databases or users whose clients never open a transaction, and set it on those [databases] or [users] entries rather than globally.',
    link: 'https://www.pgbouncer.org/config.html#pool_mode',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const choice of choicesOf(context, 'statement')) {
      if (!choice.at) continue;
      const who =
        choice.scope === 'global'
          ? 'pool_mode is statement'
          : `${choice.scope === 'database' ? 'Database' : 'User'} "${choice.entry?.name}" uses pool_mode=statement`;
      findings.push({
        ...choice.at,
        message: `${who}: every multi-statement transaction (BEGIN ... COMMIT, or a driver with autocommit off) is refused. Use transaction pooling unless these clients only ever send single autocommitted statements.`,
      });
    }
    return findings;
  },
};
