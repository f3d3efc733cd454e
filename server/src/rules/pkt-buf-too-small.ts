import { availableIn } from '../catalog/catalog';
import { fixes } from './rule';
import type { Rule } from './rule';

/**
 * Below this, logins fail. Measured with PostgreSQL 15 and SCRAM (1.18, 1.21, 1.25): at 128 the
 * server's login messages do not fit and PgBouncer drops the server connection ("partial pkt in
 * login phase"); 160 was enough there, but the server's messages (errors, SASL, parameter values)
 * vary in length, hence some room.
 */
const LOGIN_MINIMUM = 256;
/** sbuf.c's SBUF_SMALL_PKT: a buffer this small never holds a packet it will process. */
const SMALL_PKT = 64;

export const pktBufTooSmall: Rule = {
  id: 'pkt-buf-too-small',
  category: 'Configuration quality',
  severity: { production: 'warning', development: 'warning' },
  title: 'pkt_buf is too small for a login',
  docs: {
    why: `PgBouncer accepts any pkt_buf, but every message the server sends during a login must fit in the buffer whole, or PgBouncer drops the server connection ("partial pkt in login phase") and the client waits until client_login_timeout. With PostgreSQL and SCRAM that already happens at pkt_buf = 128. Before 1.23 a client's startup and authentication messages must fit too ("client sent partial pkt in startup phase": a long application_name or options is enough), and at ${SMALL_PKT} bytes or less no login completes on any release.`,
    fix: `Leave pkt_buf at its default (4096) unless you have measured a reason; never set it below ${LOGIN_MINIMUM}. Larger messages are relayed in pieces, so a big buffer is not needed for big rows.`,
    link: 'https://www.pgbouncer.org/config.html#pkt_buf',
  },
  check(context) {
    if (!context.isSet('pkt_buf')) return [];
    const size = context.int('pkt_buf');
    if (size === null || size >= LOGIN_MINIMUM) return [];
    const clients = availableIn('1.23', context.target)
      ? size <= SMALL_PKT
        ? ' and a buffer this small stalls client logins too'
        : ''
      : '; before 1.23 PgBouncer also disconnects a client whose startup message is larger ("client sent partial pkt in startup phase")';
    return context.finding(
      'pkt_buf',
      `pkt_buf = ${size} is too small for a login: a server's login messages must each fit in it, or PgBouncer drops the server connection ("partial pkt in login phase")${clients}. Use the default of 4096.`,
      fixes(
        context.setValue('pkt_buf', '4096', {
          kind: 'recommended',
          title: 'Set pkt_buf = 4096 (the default)',
        }),
      ),
    );
  },
};
