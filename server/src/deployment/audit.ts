// The deployment audit: the findings of every PgBouncer of a deployment (placed where their cause is
// written) and of the deployment rules, with the problems the readers met.

import type { Finding, Severity } from '../findings/finding';
import type { Deployment } from './model';
import { placedFinding } from './assemble';
import { DEPLOYMENT_RULES } from './rules';

export interface DeploymentAuditOptions {
  /** Severity per rule id ('off' turns a rule off), as .pgbouncerlintrc.json and the CLI say. */
  rules?: Readonly<Record<string, Severity | 'off'>>;
}

/** Findings of the deployment rules and reader problems, in the files where they are written. */
export function deploymentFindings(deployment: Deployment, options: DeploymentAuditOptions = {}): Finding[] {
  // Nothing at all where there is no PgBouncer: the folder is not a deployment of one.
  if (deployment.poolers.length === 0) return [];
  const findings: Finding[] = [];
  for (const problem of deployment.problems) {
    const severity = options.rules?.[problem.code] ?? problem.severity;
    if (severity === 'off') continue;
    findings.push({
      code: problem.code,
      severity,
      message: problem.message,
      file: problem.file,
      span: problem.span,
    });
  }
  for (const rule of DEPLOYMENT_RULES) {
    const configured = options.rules?.[rule.id];
    if (configured === 'off') continue;
    for (const draft of rule.check(deployment)) {
      findings.push({
        code: rule.id,
        severity: configured ?? draft.severity ?? rule.severity,
        message: draft.message,
        file: draft.file,
        span: draft.span,
        ...(draft.related && draft.related.length > 0 && { related: draft.related }),
        ...(draft.fixes && { fixes: draft.fixes }),
      });
    }
  }
  return findings;
}

/**
 * The findings of the PgBouncers whose configuration is not a file of the repository (written by an
 * image's entrypoint or an operator), placed on the lines that set them. Poolers with a file of their
 * own are linted as that file (the CLI and the editor show those as they show any pgbouncer.ini).
 */
export function generatedPoolerFindings(deployment: Deployment): Finding[] {
  return deployment.poolers.flatMap((pooler) => [
    ...pooler.startupErrors.map((error): Finding => ({
      code: 'image-entrypoint-fails',
      severity: 'error',
      message: `${pooler.name}: ${error.message}`,
      file: error.file,
      span: error.span,
    })),
    ...(pooler.generated ? pooler.lint.findings.map((finding) => placedFinding(pooler, finding)) : []),
  ]);
}
