// The Node language server (dist/server.js): over --stdio or --node-ipc, reading this machine's
// files, with the deployment audit of every workspace folder. The wiring is language-server.ts.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { deploymentKindOfPath } from './deployment/read/discover';
import { deploymentCodeActions } from './features/deployment';
import { DeploymentAudits } from './features/deployment-audits';
import { readRegularFile } from './files/guarded-read';
import { alertDriftDiagnostics, alertsFileName, generateMonitoring } from './features/monitoring';
import { startLanguageServer } from './language-server';
import { buildDeploymentReport } from './report/deployment-report';

startLanguageServer(createConnection(ProposedFeatures.all), {
  deployment: {
    create: (host) => new DeploymentAudits(host),
    kindOfPath: deploymentKindOfPath,
    codeActions: deploymentCodeActions,
    report: buildDeploymentReport,
  },
  monitoring: { generate: generateMonitoring, drift: alertDriftDiagnostics, rulesFileName: alertsFileName },
  readSmallFile: (filePath) => {
    const read = readRegularFile(filePath, 1024 * 1024);
    return 'text' in read ? read.text : undefined;
  },
});
