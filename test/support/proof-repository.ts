// Asks our deployment engine what a stack proof case asks the real PgBouncer (stack-proof-cases.ts): the
// case is written as a user's repository would hold it (its pgbouncer.ini, the auth_file beside it, the
// client's URL in a .env or a Spring application.properties), audited with auditFolder as
// `pgbouncer-lint DIR` does, and the findings of the URL-level rules on the URL's line are returned.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditFolder } from '../../server/src/deployment/run';
import { fillProofTemplate, STACK_RELEASE, URL_RULES } from '../deployment/stack-proof-cases';
import type { ProofValues, StackProofCase } from '../deployment/stack-proof-cases';

/** Where an application holds its URL: libpq URLs in a .env, JDBC URLs in a .env or in Spring's properties. */
export type ClientForm = 'env' | 'spring-env' | 'spring-properties';

export function clientFormsOf(proof: StackProofCase): ClientForm[] {
  return proof.url.startsWith('jdbc:') ? ['spring-env', 'spring-properties'] : ['env'];
}

export interface EngineVerdict {
  /** The URL-level rules reported on the URL's line, sorted. */
  rules: string[];
  /** Every finding of those rules anywhere (to show when the line is not the URL's). */
  findings: { code: string; file: string; line: number; message: string }[];
  /** How the engine routed each connection it found (for the assertion's message). */
  routes: string[];
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1))
    line++;
  return line;
}

/**
 * Writes the case as a repository in a fresh folder and audits it. `values.dir` is replaced by the
 * repository's folder (auth_file is the userlist.txt in it, `userlist` its text). The folder is removed.
 */
export function engineVerdict(
  proof: StackProofCase,
  values: ProofValues,
  userlist: string,
  form: ClientForm,
): EngineVerdict {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-proof-repo-'));
  try {
    const filled = { ...values, dir: root };
    fs.writeFileSync(path.join(root, 'pgbouncer.ini'), fillProofTemplate(proof.pgbouncerIni, filled));
    fs.writeFileSync(path.join(root, 'userlist.txt'), userlist);
    const url = fillProofTemplate(proof.url, filled);
    let clientFile: string;
    let text: string;
    let urlLine: number;
    if (form === 'spring-properties') {
      clientFile = path.join(root, 'src', 'main', 'resources', 'application.properties');
      text = `spring.application.name=billing\nspring.datasource.url=${url}\n`;
      urlLine = 1;
    } else {
      clientFile = path.join(root, '.env');
      const name = form === 'spring-env' ? 'SPRING_DATASOURCE_URL' : 'DATABASE_URL';
      text = `# the application's connection, as its deployment sets it\nAPP_ENV=production\n${name}=${url}\n`;
      urlLine = 2;
    }
    fs.mkdirSync(path.dirname(clientFile), { recursive: true });
    fs.writeFileSync(clientFile, text);

    const audit = auditFolder(root, { lintOptions: { targetVersion: STACK_RELEASE } });
    const urlRules: readonly string[] = URL_RULES;
    const findings = audit.findings
      .filter((finding) => urlRules.includes(finding.code))
      .map((finding) => {
        const inText = finding.file === clientFile ? text : fs.readFileSync(finding.file, 'utf8');
        return {
          code: finding.code,
          file: path.relative(root, finding.file),
          line: lineOf(inText, finding.span.start),
          message: finding.message,
        };
      });
    const onUrl = findings.filter(
      (finding) => finding.file === path.relative(root, clientFile) && finding.line === urlLine,
    );
    const routes = audit.deployment.connections.map((connection) => {
      const route = connection.route;
      const where =
        route.kind === 'pooler'
          ? `pooler ${route.pooler.name}${route.portMatches ? '' : ` (port not in ${route.expectedPorts.join(',')})`}`
          : route.kind;
      return `${connection.setting} in ${path.relative(root, connection.at.file)}: ${where}`;
    });
    return { rules: [...new Set(onUrl.map((finding) => finding.code))].sort(), findings, routes };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
