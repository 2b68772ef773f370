import { type BrowserContext, chromium } from 'playwright-core';
import { createTempDir } from './temp-dir.js';

/** Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The launch flags of every browser test: quiet, sandbox-free for containers, no phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A Chromium with a fresh user data dir; close() ends the browser and removes the folder. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = createTempDir('elmo-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      profile.remove();
    },
  };
}
