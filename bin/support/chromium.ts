/**
 * The Chromium that browser tests drive (Debian's, through playwright-core): one place for its
 * path, its flags and the message when it is missing.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];

function assertInstalled(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}; install it with: apt-get update && apt-get install -y chromium`);
}

export function launchChromium(): Promise<Browser> {
  assertInstalled();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A browser with its own profile folder (what a returning user's browser keeps between visits). */
export function launchChromiumWithProfile(profileDir: string, options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  assertInstalled();
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options });
}
