import type { Page } from 'playwright-core';

/** The telemetry modes in the order of the settings page's radio group. */
export const MODES = ['on', 'local', 'off'] as const;
export type Mode = (typeof MODES)[number];

const GROUP = '[role="radiogroup"][data-ready]';

/** The mode the settings page shows as chosen (the checked radio). */
export function shownMode(page: Page): Promise<string | null> {
  return page.locator('input[name="telemetry-mode"]:checked').getAttribute('value');
}

/**
 * Moves the keyboard focus into the telemetry radio group as a person would, with Tab alone, once React has made
 * the group interactive. After a choice has reloaded the page the focus is already there.
 */
export async function focusTelemetryModes(page: Page): Promise<void> {
  await page.locator(GROUP).waitFor();
  for (let presses = 0; presses <= 40; presses += 1) {
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('name'));
    if (focused === 'telemetry-mode') return;
    await page.keyboard.press('Tab');
  }
  throw new Error('Tab never reached the telemetry radio group');
}

/**
 * Chooses a telemetry mode on the settings page with the keyboard only: focus the radio group, one arrow key
 * (the group wraps around, so every mode is one press away), then wait until the reloaded page shows it.
 */
export async function chooseTelemetryMode(page: Page, to: Mode): Promise<void> {
  await focusTelemetryModes(page);
  const from = (await page.evaluate(() => (document.activeElement as HTMLInputElement).value)) as Mode;
  const forward = (MODES.indexOf(to) - MODES.indexOf(from) + MODES.length) % MODES.length;
  if (forward === 0) return;
  await page.keyboard.press(forward === 1 ? 'ArrowDown' : 'ArrowUp');
  await page.locator(`${GROUP}[data-mode="${to}"]`).waitFor();
}
