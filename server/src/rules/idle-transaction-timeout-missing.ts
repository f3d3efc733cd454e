import { availableIn, setting } from '../catalog/catalog';
import type { ConnectionEntry } from '../model/effective';
import { choicesOf, describeChoices, intParam, relatedChoices } from './support/pool-modes';
import { fixes } from './rule';
import type { Rule, RuleContext } from './rule';
import { timeIs } from './support/stored-time';

/** A limit that ends idle-in-transaction clients for this user ([users], 1.24+ and 1.25+). */
function userHasLimit(context: RuleContext, entry: ConnectionEntry): boolean {
  return ['idle_transaction_timeout', 'transaction_timeout'].some(
    (name) => (intParam(context, 'users', entry, name)?.value ?? 0) > 0,
  );
}

/** transaction_timeout (1.25+) ends any transaction, idle or not. */
function globalTransactionLimit(context: RuleContext): boolean {
  const known = setting('pgbouncer', 'transaction_timeout');
  if (!known || !availableIn(known.addedIn, context.target)) return false;
  return (context.seconds('transaction_timeout') ?? 0) > 0;
}

export const idleTransactionTimeoutMissing: Rule = {
  id: 'idle-transaction-timeout-missing',
  category: 'Timeouts',
  severity: { production: 'warning', development: 'information' },
  title: 'With transaction pooling, a client idle in a transaction holds a server connection forever',
  docs: {
    why: 'Under transaction pooling a server connection belongs to a client only while its transaction is open. A client that begins a transaction and then stalls (a bug, a debugger, a lost network path, an application waiting on something else) keeps that server connection, and any locks it took, until it disconnects. With a pool of a few dozen connections a handful of such clients starve everyone else. idle_transaction_timeout = 0, the default, never ends them.',
    fix: "Set idle_transaction_timeout above the longest legitimate pause inside your transactions, such as 60 seconds; PgBouncer then closes the client and its server connection. PostgreSQL's idle_in_transaction_session_timeout does the same on the server side. A [users] idle_transaction_timeout (PgBouncer 1.24 and later) or a transaction_timeout (1.25 and later) also counts as a limit.",
    link: 'https://www.pgbouncer.org/config.html#idle_transaction_timeout',
  },
  check(context) {
    if (context.seconds('idle_transaction_timeout') !== 0) return [];
    if (globalTransactionLimit(context)) return [];
    const exposed = choicesOf(context, 'transaction').filter(
      (choice) => !(choice.scope === 'user' && choice.entry && userHasLimit(context, choice.entry)),
    );
    if (exposed.length === 0) return [];
    return context.finding(
      'idle_transaction_timeout',
      `Transaction pooling is used (${describeChoices(exposed)}) and ${timeIs(context, 'idle_transaction_timeout', 0)}: a client that stalls inside an open transaction keeps its server connection until it disconnects. Set idle_transaction_timeout, for example to 60 seconds.`,
      fixes(
        context.setValue('idle_transaction_timeout', '60', {
          kind: 'recommended',
          title: 'Set idle_transaction_timeout = 60',
        }),
      ),
      relatedChoices(exposed, 'Transaction pooling is chosen here.'),
    );
  },
};
