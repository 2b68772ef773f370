import type { Page } from 'playwright-core';

/**
 * Clicks the settings page's telemetry switch as a person would, once React has made it interactive (a click
 * before that does nothing), and waits until the switch shows the new state.
 */
export async function flipTelemetrySwitch(page: Page, to: boolean): Promise<void> {
  await page.locator('[role="switch"][data-ready]').waitFor();
  await page.getByRole('switch', { name: /telemetry/i }).click();
  await page.waitForFunction(
    (checked) => document.querySelector('[role="switch"]')?.getAttribute('aria-checked') === checked,
    String(to),
  );
}
