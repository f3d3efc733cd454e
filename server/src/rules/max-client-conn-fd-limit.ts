import { poolModelOf } from './support/pool-fixes';
import { OTHER_FILES, fileProblems } from '../model/pools';
import type { FileEstimate } from '../model/pools';
import type { Rule } from './rule';

function message(estimate: FileEstimate, clientsSet: string, limit: number): string {
  const servers = estimate.unlimited
    ? `up to ${estimate.servers} server connections (pools without a size limit counted as one per client)`
    : `up to ${estimate.servers} server connections`;
  return (
    `${clientsSet} client connections, ${servers} and about ${OTHER_FILES} other files need ${estimate.total} file ` +
    `descriptors, more than the open-files limit of ${limit}. Raise the limit PgBouncer runs with (ulimit -n, ` +
    `LimitNOFILE, docker --ulimit nofile) to at least ${estimate.total} and set fileDescriptorLimit in ` +
    `.pgbouncerlintrc.json, or lower max_client_conn.`
  );
}

export const maxClientConnFdLimit: Rule = {
  id: 'max-client-conn-fd-limit',
  category: 'Pool sizing',
  severity: { production: 'warning', development: 'information' },
  title: 'max_client_conn and the pools need more file descriptors than the open-files limit',
  docs: {
    why: "Every client connection and every server connection is a socket, and each uses one file descriptor of the PgBouncer process. When the process runs out (ulimit -n, 1024 by default on many systems), accept() and connect() fail: new clients are refused and pools cannot grow, long before max_client_conn is reached. PgBouncer's documentation gives the worst case as max_client_conn plus the largest pool size times the number of databases (times the number of users when databases do not force one).",
    fix: 'Raise the open-files limit of the PgBouncer process (ulimit -n in its start script, LimitNOFILE= in its systemd unit, --ulimit nofile= for Docker) above the estimate, and tell the linter with "fileDescriptorLimit" in .pgbouncerlintrc.json. Or lower max_client_conn.',
    link: 'https://www.pgbouncer.org/config.html#max_client_conn',
  },
  check(context) {
    const model = poolModelOf(context);
    if (!model) return [];
    const limit = context.options.fileDescriptorLimit;
    return fileProblems(model, context.options).flatMap((estimate) =>
      context.finding('max_client_conn', message(estimate, `max_client_conn = ${estimate.clients}`, limit)),
    );
  },
};
