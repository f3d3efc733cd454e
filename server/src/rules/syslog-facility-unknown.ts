import { fixes } from './rule';
import type { Rule } from './rule';

/** The names libusual's logging.c knows (compared case-sensitively), the same in 1.18 to 1.25. */
const FACILITIES = [
  'auth',
  'authpriv',
  'daemon',
  'user',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];

export const syslogFacilityUnknown: Rule = {
  id: 'syslog-facility-unknown',
  category: 'Observability',
  severity: { production: 'warning', development: 'warning' },
  title: 'syslog_facility is a name PgBouncer does not know, so it logs as daemon',
  docs: {
    why: `PgBouncer looks syslog_facility up in a short list of lower-case names (${FACILITIES.join(', ')}) and, when the name is not there, says nothing and logs with facility daemon. An upper-case LOCAL0 or a facility such as kern or local8 starts fine and sends every line to where daemon goes, past the filter that was written for it.`,
    fix: 'Use one of the listed names, in lower case. The quick fix lower-cases a known name written in capitals.',
    link: 'https://www.pgbouncer.org/config.html#syslog_facility',
  },
  check(context) {
    const at = context.entry('syslog_facility');
    if (!at) return [];
    const value = context.value('syslog_facility');
    // Text after a blank and '#' or ';' is an inline comment, which validation reports.
    if (FACILITIES.includes(value) || /\s[#;]/.test(value)) return [];
    const lower = value.toLowerCase();
    const known = FACILITIES.includes(lower);
    const shown = value === '' ? 'empty' : `'${value}'`;
    const off = context.int('syslog') === 0 ? ' (it matters once syslog = 1)' : '';
    return context.finding(
      'syslog_facility',
      known
        ? `syslog_facility is ${shown}: PgBouncer compares facility names case-sensitively, does not find it and logs with facility daemon${off}. Write '${lower}'.`
        : `syslog_facility is ${shown}, which PgBouncer does not know: it logs with facility daemon instead${off}. Known names: ${FACILITIES.join(', ')}.`,
      fixes(
        known
          ? context.setValue('syslog_facility', lower, { kind: 'recommended', title: `Write '${lower}'` })
          : null,
      ),
    );
  },
};
