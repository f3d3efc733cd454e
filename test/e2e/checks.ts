// What several end-to-end files look at the same way, on the desktop and in the web-worker host: the
// light bulb, the extension's walkthrough (opened by a key bound with its id) and the audit report.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, UI_TIMEOUT } from './harness';
import type { VsCodeSession } from './harness';

/** The light bulb beside the line, or in the gutter (the codicon class sits on the widget itself). */
export const LIGHT_BULB =
  '.lightBulbWidget[class*="codicon-"]:visible, [class*="codicon-light-bulb"]:visible, [class*="codicon-lightbulb"]:visible';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  contributes: { walkthroughs: { id: string; steps: { id: string }[] }[] };
};
export const WALKTHROUGH = manifest.contributes.walkthroughs[0];
export const WALKTHROUGH_ID = `${manifest.publisher}.${manifest.name}#${WALKTHROUGH.id}`;

/**
 * The key that opens the walkthrough, for VsCodeSession.start's keybindings: the palette passes no
 * arguments, and code-server 4.100.3 opened VS Code's own walkthrough for the id alone, as a string.
 */
export const WALKTHROUGH_KEYBINDING = {
  key: 'ctrl+alt+y',
  command: 'workbench.action.openWalkthrough',
  args: { category: WALKTHROUGH_ID, step: WALKTHROUGH.steps[0].id },
};

/** The walkthrough page's button of a step (its data-step-id ends in #<step id>). */
export function walkthroughStep(s: VsCodeSession, id: string) {
  return s.page.locator(`.gettingStartedContainer button.getting-started-step[data-step-id$="#${id}"]`);
}

/** Opens the extension's walkthrough with WALKTHROUGH_KEYBINDING's key. */
export async function openWalkthrough(s: VsCodeSession): Promise<void> {
  const title = s.page
    .locator('.gettingStartedContainer .getting-started-category h2', {
      hasText: 'Get Started with PgBouncer',
    })
    .first();
  // Right after start-up the extensions' walkthroughs may not be registered yet: VS Code then shows
  // its own. Pressed again, the key opens ours once it is there.
  const deadline = Date.now() + UI_TIMEOUT;
  for (;;) {
    await s.page.keyboard.press('Escape');
    await s.page.keyboard.press('Control+Alt+Y');
    try {
      await title.waitFor({ timeout: 5000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/**
 * The audit report of the broken configuration is shown: its Markdown document, titled by its first
 * line, and its preview beside it with the title and the verdict that PgBouncer would refuse to start.
 * Returns the preview's frame.
 */
export async function auditReportShown(s: VsCodeSession) {
  const { page } = s;
  await page
    .locator('.tabs-container .tab', { hasText: 'PgBouncer configuration audit' })
    .first()
    .waitFor({ timeout: UI_TIMEOUT });
  await page.locator('.tabs-container .tab', { hasText: 'Preview' }).first().waitFor({ timeout: UI_TIMEOUT });
  const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await preview.locator('h1', { hasText: 'PgBouncer configuration audit' }).waitFor({ timeout: UI_TIMEOUT });
  await preview.locator('blockquote', { hasText: 'would refuse to start' }).waitFor({ timeout: UI_TIMEOUT });
  return preview;
}
