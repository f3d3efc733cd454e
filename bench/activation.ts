// Extension activation in a real VS Code (code-server with the packaged .vsix): opens a
// pgbouncer.ini so that the extension activates, then reads the activation time VS Code itself
// reports in "Developer: Show Running Extensions". Run: npx tsx bench/activation.ts
import { UI_TIMEOUT, VsCodeSession } from '../test/e2e/harness';

export async function measureActivation(): Promise<{ ms: number; text: string }> {
  const session = await VsCodeSession.start({
    name: 'bench-activation',
    files: { 'pgbouncer.ini': '[pgbouncer]\nlisten_addr = 127.0.0.1\n' },
  });
  try {
    await session.openFile('pgbouncer.ini');
    await session.page
      .locator('#status\\.editor\\.mode', { hasText: 'PgBouncer config' })
      .waitFor({ timeout: UI_TIMEOUT });
    await session.runCommand('Developer: Show Running Extensions');
    const row = session.page.locator('.monaco-list-row', { hasText: 'PgBouncer Config' }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    // The row shows e.g. "Activation: 12ms" once the time is known.
    let text = '';
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      text = (await row.innerText()).replace(/\s+/g, ' ');
      const match = /Activation:?\s*(\d+(?:\.\d+)?)\s*ms/i.exec(text) ?? /(\d+(?:\.\d+)?)\s*ms/.exec(text);
      if (match) {
        session.pass();
        return { ms: Number(match[1]), text };
      }
      if (Date.now() > deadline) throw new Error(`no activation time in the Running Extensions row: ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await session.stop();
  }
}

if (require.main === module) {
  measureActivation().then(
    ({ ms, text }) => console.log(`extension activation (VS Code's own measure): ${ms} ms  [${text}]`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
