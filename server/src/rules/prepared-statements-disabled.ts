import { availableIn, setting } from '../catalog/catalog';
import { describeChoices, poolModeChoices, relatedChoices } from './support/pool-modes';
import { fixes } from './rule';
import type { Rule } from './rule';

export const preparedStatementsDisabled: Rule = {
  id: 'prepared-statements-disabled',
  category: 'Configuration quality',
  severity: { production: 'warning', development: 'warning' },
  title: 'Protocol-level prepared statements break under transaction pooling',
  docs: {
    why: 'Many drivers prepare statements at the protocol level (named Parse/Bind/Execute messages): the PostgreSQL JDBC driver after a few executions, asyncpg, Npgsql, pgx and others. With transaction or statement pooling the next transaction may run on another server connection, where that statement does not exist, and the client gets errors such as "prepared statement does not exist". Since 1.21 PgBouncer can track these statements and prepare them on whichever server connection is used, but only when max_prepared_statements is not 0, and 0 was the default in 1.21 to 1.23.',
    fix: 'Set max_prepared_statements to a value above the number of distinct statements the applications prepare, such as 200 (the default since PgBouncer 1.24). SQL-level PREPARE and EXECUTE are still not tracked; DEALLOCATE ALL and DISCARD ALL are.',
    correction:
      "The audit lists prepared statements among the features that cannot be used with transaction pooling. That was true before PgBouncer 1.21; the audited 1.21 supports protocol-level prepared statements once max_prepared_statements is set, which the audited configuration does not do (1.21's default is 0).",
    link: 'https://www.pgbouncer.org/config.html#max_prepared_statements',
  },
  check(context) {
    const known = setting('pgbouncer', 'max_prepared_statements');
    if (!known || !availableIn(known.addedIn, context.target)) return [];
    if (context.int('max_prepared_statements') !== 0) return [];
    const pooled = poolModeChoices(context).filter((choice) => choice.mode !== 'session');
    // Only modes PgBouncer reads: an invalid pool_mode is its own error.
    if (pooled.length === 0) return [];
    const value = known.recommended ?? '200';
    const explicit = context.isSet('max_prepared_statements');
    return context.finding(
      'max_prepared_statements',
      `max_prepared_statements is 0${explicit ? '' : ` (the default in ${context.target.label})`} with ${describeChoices(pooled)}: prepared statements that drivers create at the protocol level fail when a later transaction runs on another server connection. Set it, for example to ${value}.`,
      fixes(
        context.setValue('max_prepared_statements', value, {
          kind: 'recommended',
          title: `Set max_prepared_statements = ${value}`,
        }),
      ),
      relatedChoices(pooled, 'Transaction or statement pooling is chosen here.'),
    );
  },
};
