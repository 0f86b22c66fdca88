import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from './build.js';

/** `ASSAY_SCREENSHOTS=1` refreshes the screenshots under docs/screenshots that the README and docs show. */
const SHOTS = process.env.ASSAY_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : undefined;

/** Saves `docs/screenshots/NAME.png` when screenshots are being refreshed; otherwise nothing. */
export async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/** What went wrong on the pages a suite drives: page errors, console errors (401s aside), dialogs, other origins asked. */
export interface PageLog {
  problems: string[];
  dialogs: string[];
  offsite: string[];
}

export const pageLog = (): PageLog => ({ problems: [], dialogs: [], offsite: [] });

/** Records into `log` what `page` does wrong; a request to anywhere but `origin` (when given) counts as offsite. */
export function watchPage(page: Page, log: PageLog, origin?: string): void {
  page.on('pageerror', (e) => log.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/401|Unauthorized/.test(m.text())) log.problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    log.dialogs.push(d.message());
    void d.dismiss();
  });
  if (origin)
    page.on('request', (r) => {
      if (!r.url().startsWith(origin)) log.offsite.push(r.url());
    });
}

/** Nothing from the data ran (no `window.__pwned`, no dialog) and no link or handler from the data is live. */
export async function expectInert(page: Page, log: PageLog, where: string): Promise<void> {
  expect(await page.evaluate('window.__pwned'), where).toBeUndefined();
  expect(await page.locator('a[href^="javascript:"], [onerror], [onclick]').count(), where).toBe(0);
  expect(log.dialogs, where).toEqual([]);
}

/** The page is no wider than its viewport. */
export async function expectFits(page: Page, where: string): Promise<void> {
  const overflow = (await page.evaluate(
    'document.documentElement.scrollWidth - window.innerWidth',
  )) as number;
  expect(overflow, `${where}: page wider than the viewport`).toBeLessThanOrEqual(1);
}

/** Opens `path`, which sends a visitor without a session to sign in, signs in with an API key and waits to be back. */
export async function signInWithKey(
  page: Page,
  url: string,
  key: string,
  path: string,
  back: RegExp,
): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.waitForURL(/\/sign-in\?next=/);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(back);
}
