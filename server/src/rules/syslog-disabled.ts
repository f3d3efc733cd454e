import { fixes } from './rule';
import type { Rule } from './rule';

export const syslogDisabled: Rule = {
  id: 'syslog-disabled',
  category: 'Observability',
  severity: { production: 'information', development: 'off' },
  title: 'PgBouncer logs only to stderr: neither syslog nor a log file is set',
  docs: {
    why: "Without syslog and logfile PgBouncer writes its log to stderr only. That is fine when a supervisor keeps stderr, as systemd (the journal) and container runtimes (docker logs) do, but started with -d it sends stderr to /dev/null and every log line is lost; and stderr alone gives log collectors no facility or identity to route PgBouncer's lines by. A configuration that sets logfile is left alone: a file that is rotated and shipped is as good as syslog.",
    fix: 'Set syslog = 1, with syslog_ident and syslog_facility chosen for your collector, or set logfile to a file that is rotated (send RELOAD or SIGHUP afterwards) and shipped. PgBouncer keeps writing to stderr as well unless it runs as a daemon or with -q.',
    correction:
      'The audit asks for "structured logging" and a log_level setting next to syslog. PgBouncer has no log_level (a file setting it does not start) and no structured log format; the amount of logging is chosen with verbose or -v, and log_connections, log_disconnections, log_pooler_errors and log_stats pick the events.',
    link: 'https://www.pgbouncer.org/config.html#syslog',
  },
  check(context) {
    if (context.int('syslog') !== 0) return [];
    if (context.value('logfile').trim() !== '') return [];
    return context.finding(
      'syslog',
      'syslog is 0 and no logfile is set: PgBouncer logs only to stderr, which is lost when it runs as a daemon (-d) and is kept only if a supervisor such as systemd or a container runtime collects it. Set syslog = 1, or a logfile that is shipped.',
      fixes(context.setValue('syslog', '1', { kind: 'recommended' })),
    );
  },
};
