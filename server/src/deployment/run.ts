// Audits the deployment in a folder: finds its files, assembles the deployment, runs the rules.
// The CLI calls it for a directory argument; the language server for each workspace folder.

import * as path from 'node:path';
import { nodeFileSystem } from '../analysis/engine';
import type { LintOptions } from '../analysis/engine';
import type { FileSystem } from '../files/file-system';
import type { Finding, Severity } from '../findings/finding';
import { discoverDeploymentFiles } from './read/discover';
import type { DeploymentFile } from './read/discover';
import { assembleDeployment } from './assemble';
import { deploymentFindings, generatedPoolerFindings } from './audit';
import type { Deployment } from './model';

export interface FolderAuditOptions {
  fileSystem?: FileSystem;
  lintOptions?: Omit<LintOptions, 'filePath' | 'fileSystem'>;
  /** Texts of open documents, by absolute path. */
  overlay?: ReadonlyMap<string, string>;
  /** The files, when the caller found them already (the language server, off its event loop). */
  files?: readonly DeploymentFile[];
  rules?: Readonly<Record<string, Severity | 'off'>>;
}

export interface FolderAudit {
  deployment: Deployment;
  /** Findings in the deployment's files: the rules', the readers', and those of generated configurations. */
  findings: Finding[];
  /** Files the walk did not read, and why. */
  skipped: { path: string; why: string }[];
  truncated: boolean;
}

export function auditFolder(folder: string, options: FolderAuditOptions = {}): FolderAudit {
  // Absolute, as every path the readers compare with it is.
  const root = path.resolve(folder);
  const found = options.files
    ? { files: options.files, skipped: [], truncated: false }
    : discoverDeploymentFiles(root);
  const deployment = assembleDeployment({
    root,
    files: found.files,
    fileSystem: options.fileSystem ?? nodeFileSystem,
    ...(options.lintOptions && { lintOptions: options.lintOptions }),
    ...(options.overlay && { overlay: options.overlay }),
  });
  const findings = [
    ...deploymentFindings(deployment, options.rules ? { rules: options.rules } : {}),
    ...generatedPoolerFindings(deployment),
  ];
  return { deployment, findings, skipped: [...found.skipped], truncated: found.truncated };
}
