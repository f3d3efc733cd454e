import { describeChoices, poolModeChoices, sessionPoolingPossible } from './support/pool-modes';
import { fixes } from './rule';
import type { Rule } from './rule';

export const resetQueryIgnored: Rule = {
  id: 'reset-query-ignored',
  category: 'Configuration quality',
  severity: { production: 'information', development: 'information' },
  title: 'server_reset_query is set but never runs, because no pool uses session pooling',
  docs: {
    why: 'PgBouncer sends server_reset_query when a server connection goes back to the pool, but only in session pooling unless server_reset_query_always = 1. When every pool uses transaction or statement pooling the line has no effect, and it suggests a cleanup between clients that does not happen: session state (SET, temporary tables, advisory locks) a client leaves behind is seen by the next one.',
    fix: 'Remove the line, and keep session state out of applications that use transaction pooling. Only if an application relies on session state anyway, server_reset_query_always = 1 makes the reset run after every transaction; this costs a round trip per transaction and turns random leaks into consistent loss of that state.',
    link: 'https://www.pgbouncer.org/config.html#server_reset_query',
  },
  check(context) {
    const at = context.entry('server_reset_query');
    if (!at || context.value('server_reset_query').trim() === '') return [];
    if (context.int('server_reset_query_always') !== 0) return [];
    if (sessionPoolingPossible(context)) return [];
    const modes = poolModeChoices(context).filter((choice) => choice.mode !== 'session');
    if (modes.length === 0) return [];
    // Without session pooling the line never runs, so removing it changes nothing.
    const remove = context.remove(at, 'Remove server_reset_query (not used without session pooling)', 'safe');
    // A round trip per transaction, for applications that keep session state: theirs to decide.
    const always = context.setValue('server_reset_query_always', '1', {
      kind: 'suggestion',
      title: 'Set server_reset_query_always = 1 (run it after every transaction)',
    });
    return context.finding(
      'server_reset_query',
      `server_reset_query is set, but no pool uses session pooling (${describeChoices(modes)}) and server_reset_query_always is 0, so PgBouncer never runs it. Remove the line, or set server_reset_query_always = 1 if an application really depends on the reset.`,
      fixes(remove, always),
    );
  },
};
