import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it); Playwright's own download does not work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`the browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
}

/** Where a test's screenshots go: test-output/<test file>/<name>.png (kept out of git). */
export function screenshotDir(testFile: string): string {
  const dir = path.join(__dirname, '..', '..', 'test-output', path.basename(testFile).replace(/\.test\.ts$/, ''));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function screenshot(page: Page, testFile: string, name: string): Promise<string> {
  const file = path.join(screenshotDir(testFile), `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects what the page's console and CSP report, so a test can assert that nothing was refused. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return problems;
}
