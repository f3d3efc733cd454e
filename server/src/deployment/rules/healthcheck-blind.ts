import type { DeploymentRule } from '../rule';
import { poolerName } from './support';

/** Checks that pass as long as the process runs or the port is open, whatever PgBouncer answers. */
const BLIND = [
  /^\s*(?:true|exit\s+0|:)\s*$/,
  /\b(?:pidof|pgrep|ps)\b/,
  /\bnc\b[^|]*\s-z\b/,
  /\/dev\/tcp\//,
  /^tcp:/,
  /\bcurl\b|\bwget\b/,
];

export const healthcheckBlind: DeploymentRule = {
  id: 'deployment-healthcheck-blind',
  severity: 'information',
  title: "PgBouncer's healthcheck cannot tell a broken pooler from a live one",
  docs: {
    why: 'A check that only looks for the process, opens the TCP port or always succeeds passes while PgBouncer refuses every login (a bad auth_file, max_client_conn reached) or cannot reach its servers. Orchestrators then keep sending traffic to it.',
    fix: "Check with a real login: e.g. psql -h 127.0.0.1 -p 6432 -U <stats user> pgbouncer -c 'SHOW VERSION' (a stats_users user with a password in auth_file), or pg_isready at the least.",
  },
  check(deployment) {
    return deployment.poolers.flatMap((pooler) => {
      const check = pooler.workload?.healthcheck;
      if (!check || check.disabled) return [];
      if (!BLIND.some((pattern) => pattern.test(check.command))) return [];
      return [
        {
          file: check.at.file,
          span: check.at.span,
          message:
            `The healthcheck of ${poolerName(pooler)} only checks that the process runs or the port is open: it ` +
            `passes while PgBouncer refuses logins or cannot reach PostgreSQL.`,
        },
      ];
    });
  },
};
