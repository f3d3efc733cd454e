// What the Deployment view needs of the language client, so that the view (in the small activation
// bundle) does not load vscode-languageclient: language-client.ts implements it.
import type { DeploymentSummary } from '../../../server/src/api';

export type ServerState = 'starting' | 'running' | 'stopped';

export interface DeploymentSource {
  state(): ServerState;
  onDidChangeState(listener: () => void): { dispose(): void };
  /** The summary of each workspace folder that has a PgBouncer (pgbouncer/deployment). */
  summaries(): Promise<DeploymentSummary[]>;
  /** The server's pgbouncer/deploymentChanged notification. */
  onDidChangeDeployment(listener: () => void): { dispose(): void };
}
