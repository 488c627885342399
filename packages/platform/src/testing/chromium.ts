// How the browser journeys launch Debian's Chromium through playwright-core (never a downloaded
// browser): where it is (CHROMIUM_PATH moves it) and the switches for a headless run in a container.
import { existsSync } from 'node:fs';

/** Chromium's path, and whether it is installed (`apt-get install chromium`): suites skip when not. */
export function findChromium(env: NodeJS.ProcessEnv): { path: string; available: boolean } {
  const path = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return { path, available: existsSync(path) };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
