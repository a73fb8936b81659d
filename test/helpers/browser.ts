// The browser the browser tests drive: Debian's Chromium when it is installed (with its CJK fonts the
// screenshots read), otherwise the Chromium that @sparticuz/chromium carries inside its npm package,
// so that `npm test` passes on a machine with only Node and npm.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<{ browser: Browser; source: string }> {
  if (existsSync(DEBIAN_CHROMIUM)) return { browser: await chromium.launch({ executablePath: DEBIAN_CHROMIUM, args: FLAGS }), source: DEBIAN_CHROMIUM };
  const packaged = (await import('@sparticuz/chromium')).default;
  const executablePath = await packaged.executablePath();
  // Not the package's own flag list: it is made for AWS Lambda (--single-process, --disable-web-security),
  // under which the browser no longer behaves as a user's does (one clock for every page, no same-origin
  // policy). This build needs nothing beyond the common flags.
  return { browser: await chromium.launch({ executablePath, args: FLAGS }), source: '@sparticuz/chromium' };
}
