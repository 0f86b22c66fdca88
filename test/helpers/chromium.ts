import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** The system Chromium the browser tests and benchmarks drive (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Why a browser suite is skipped, for its `console.warn`. */
export const chromiumMissing = (suite: string) =>
  `${suite}: skipped, ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

/** Headless Chromium, quiet: no sandbox (containers), GPU, QUIC, first-run or background traffic. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
