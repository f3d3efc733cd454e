// Keeps the deployment audit of every workspace folder current in the language server: audits a
// folder again (debounced) when a file of it changes on disk or in an editor, reads the folder's
// files off the event loop first, and says which files' diagnostics changed.

import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { discoverDeploymentFilesAsync } from '../deployment/read/discover';
import { auditFolder } from '../deployment/run';
import type { FolderAudit } from '../deployment/run';
import type { LintOptions } from '../analysis/engine';
import { MAX_FILE_BYTES, readRegularFileAsync } from '../files/guarded-read';
import type { DeploymentSummary } from '../protocol';
import type { Finding } from '../findings/finding';
import { deploymentDiagnostics, deploymentSummary } from './deployment';

export interface DeploymentAuditHost {
  /** Texts of the documents open in the editor, by absolute path. */
  openDocuments(): ReadonlyMap<string, string>;
  /** Lint options for the poolers of a folder (the editor's settings). */
  lintOptions(folder: string): Promise<Omit<LintOptions, 'filePath' | 'fileSystem'>>;
  /** The deployment diagnostics of these files changed (an empty list clears them). */
  publish(changed: ReadonlyMap<string, Diagnostic[]>): void;
  log(message: string): void;
}

const DEBOUNCE_MS = 300;

export class DeploymentAudits {
  private folders: string[] = [];
  private readonly audits = new Map<string, FolderAudit>();
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly host: DeploymentAuditHost) {}

  setFolders(folders: readonly string[]): void {
    this.folders = [...folders];
    for (const folder of [...this.audits.keys()])
      if (!this.folders.includes(folder)) this.audits.delete(folder);
    this.schedule();
  }

  /** A file changed (on disk or in an editor): audit its folder again, when it is one of ours. */
  changed(filePath?: string): void {
    if (filePath !== undefined && !this.folders.some((folder) => isInside(filePath, folder))) return;
    this.schedule();
  }

  /** The diagnostics the deployment audit has for a file (merged into an open pgbouncer.ini's own). */
  diagnosticsOf(filePath: string): Diagnostic[] {
    return this.diagnostics.get(filePath) ?? [];
  }

  /** The audit of the workspace folder whose deployment runs the pgbouncer.ini at this path (the audit report). */
  auditRunning(iniPath: string): FolderAudit | undefined {
    for (const folder of this.folders) {
      const audit = this.audits.get(folder);
      if (audit?.deployment.poolers.some((pooler) => !pooler.generated && pooler.iniPath === iniPath))
        return audit;
    }
    return undefined;
  }

  /** The audit findings in a file, and the text they were found in (for quick fixes). */
  findingsIn(filePath: string): { findings: Finding[]; text: string } | undefined {
    for (const audit of this.audits.values()) {
      const text = audit.deployment.texts.get(filePath);
      if (text === undefined) continue;
      return { findings: audit.findings.filter((finding) => finding.file === filePath), text };
    }
    return undefined;
  }

  summaries(): DeploymentSummary[] {
    return this.folders.flatMap((folder) => {
      const audit = this.audits.get(folder);
      return audit && audit.deployment.poolers.length > 0 ? [deploymentSummary(folder, audit)] : [];
    });
  }

  /** Resolves when the audits scheduled so far have run (tests, the Deployment view's first answer). */
  async settled(): Promise<void> {
    while (this.timer !== undefined) await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
    await this.running;
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.running
        .then(() => this.runAll())
        .catch((error: unknown) => {
          this.host.log(`Deployment audit failed: ${(error as Error).stack ?? String(error)}`);
        });
    }, DEBOUNCE_MS);
  }

  private async runAll(): Promise<void> {
    const next = new Map<string, Diagnostic[]>();
    for (const folder of this.folders) {
      const audit = await this.auditOne(folder);
      this.audits.set(folder, audit);
      for (const [file, diagnostics] of deploymentDiagnostics(audit)) next.set(file, diagnostics);
    }
    const changed = new Map<string, Diagnostic[]>();
    for (const [file, diagnostics] of next) {
      if (JSON.stringify(this.diagnostics.get(file)) !== JSON.stringify(diagnostics))
        changed.set(file, diagnostics);
    }
    for (const file of this.diagnostics.keys()) if (!next.has(file)) changed.set(file, []);
    this.diagnostics.clear();
    for (const [file, diagnostics] of next) this.diagnostics.set(file, diagnostics);
    // Also when no diagnostics changed: the Deployment view shows more than the findings.
    this.host.publish(changed);
  }

  private async auditOne(folder: string): Promise<FolderAudit> {
    const found = await discoverDeploymentFilesAsync(folder);
    // Every file of the deployment is read here, off the event loop; what the audit reads besides
    // (env_file targets, an ini's includes and auth_file) is small and read as it goes.
    const open = this.host.openDocuments();
    const overlay = new Map<string, string>();
    for (const file of found.files) {
      const text = open.get(file.path);
      if (text !== undefined) {
        overlay.set(file.path, text);
        continue;
      }
      if (file.size > MAX_FILE_BYTES) continue;
      // Guarded: the file may have become a FIFO or a device since the walk.
      const read = await readRegularFileAsync(file.path);
      if ('text' in read) overlay.set(file.path, read.text);
    }
    for (const [file, text] of open)
      if (isInside(file, folder) && !overlay.has(file)) overlay.set(file, text);
    return auditFolder(folder, {
      files: found.files,
      overlay,
      lintOptions: await this.host.lintOptions(folder),
    });
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
