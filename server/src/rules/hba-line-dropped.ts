import { resolvePath } from '../model/config';
import { hbaProblems, identMapNames } from './support/hba';
import type { RuleContext, RuleFinding } from './rule';
import type { Rule } from './rule';

/** At most this many lines are reported one by one; the rest are counted. */
const MAX_REPORTED = 20;

export const hbaLineDropped: Rule = {
  id: 'hba-line-dropped',
  category: 'Authentication',
  severity: { production: 'warning', development: 'warning' },
  title: 'PgBouncer drops a line of the HBA file, or keeps one that never matches',
  docs: {
    why: "PgBouncer reads a subset of PostgreSQL's pg_hba.conf format. A line it cannot read (a host name instead of an IP address, a method such as ident or gss, an option such as clientcert=, a +group, hostgssenc; before 1.23 also replication, the address all and map=; before 1.25 ldap) is skipped with a warning in the log, and PgBouncer starts. Rules are tried in order and the first match decides, so a skipped reject line lets a later trust line through, and a skipped allow line rejects clients it was written for. A line whose address has bits outside its mask (192.168.1.5/24) is kept but never matches.",
    fix: 'Rewrite the line in the form PgBouncer reads: numeric addresses with a mask, one of trust, reject, md5, password, peer, cert, scram-sha-256 (ldap from 1.25), and no options except map= (1.23+). Check the log for "could not parse hba config line" after each RELOAD.',
    link: 'https://www.pgbouncer.org/config.html#auth_hba_file',
  },
  check(context) {
    if (context.word('auth_type') !== 'hba') return [];
    const hbaFile = context.value('auth_hba_file');
    if (hbaFile === '') return [];
    const text = readHere(context, hbaFile);
    if (text === null) return [];
    const identFile = context.value('auth_ident_file');
    const maps = identFile === '' ? new Set<string>() : mapsHere(context, identFile);
    const problems = hbaProblems(text, context.target, maps);
    const found: RuleFinding[] = [];
    for (const problem of problems.slice(0, MAX_REPORTED)) {
      found.push(
        ...context.finding(
          'auth_hba_file',
          problem.dropped
            ? `PgBouncer skips line ${problem.line} of the HBA file: ${problem.reason}. It starts without that rule, so clients it was meant for fall through to the next line.`
            : `Line ${problem.line} of the HBA file: ${problem.reason}.`,
        ),
      );
    }
    if (problems.length > MAX_REPORTED)
      found.push(
        ...context.finding(
          'auth_hba_file',
          `${problems.length - MAX_REPORTED} more lines of the HBA file are skipped or never match.`,
        ),
      );
    return found;
  },
};

function readHere(context: RuleContext, setting: string): string | null {
  const filePath = resolvePath(setting, context.runDirectory);
  if (context.fileSystem.stat(filePath) !== 'file') return null;
  const read = context.fileSystem.readFile(filePath);
  return 'problem' in read ? null : read.text;
}

/** The ident maps, or null when the file cannot be read here (then map= is not judged). */
function mapsHere(context: RuleContext, setting: string): Set<string> | null {
  const text = readHere(context, setting);
  return text === null ? null : identMapNames(text);
}
