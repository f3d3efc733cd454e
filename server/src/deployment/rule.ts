// The interface every deployment rule implements: like an audit rule of a pgbouncer.ini
// (rules/rule.ts), but it reads the whole deployment and reports in any of its files.

import type { Fix } from '../findings/fix';
import type { RelatedInfo, Severity } from '../findings/finding';
import type { Span } from '../syntax/syntax';
import type { Deployment } from './model';

export interface DeploymentFindingDraft {
  file: string;
  span: Span;
  message: string;
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** Overrides the rule's severity for this finding (e.g. information where the risk is small). */
  severity?: Severity;
}

export interface DeploymentRule {
  id: string;
  severity: Severity;
  title: string;
  docs: { why: string; fix: string; link?: string };
  check(deployment: Deployment): DeploymentFindingDraft[];
}
