// One browser and one embedded network per console suite, opened before its first test and closed after its last:
// every e2e file starts the same way, so the hooks live here once.
import { type Browser } from 'playwright-core';
import { closeCryptoWorkers } from '../../gateway/src/crypto/index.js';
import { launchConsoleBrowser } from './browser.js';
import { startConsoleNetwork, type ConsoleNetwork, type ConsoleNetworkExtras } from './network.js';

export interface ConsoleSession {
  network: ConsoleNetwork;
  browser: Browser;
}

/**
 * Registers the suite's before and after hooks; `opened` receives the browser and the network (Chromium first: no
 * Chromium fails the suite before a network is started for nothing). `ready` runs once both are up.
 */
export function useConsoleNetwork(
  opened: (session: ConsoleSession) => void,
  extras: ConsoleNetworkExtras = {},
  ready?: (session: ConsoleSession) => Promise<void>,
): void {
  let browser: Browser | undefined;
  let network: ConsoleNetwork | undefined;
  before(async () => {
    browser = await launchConsoleBrowser();
    console.log('    starting the embedded network for the console…');
    network = await startConsoleNetwork(extras);
    const session = { network, browser };
    opened(session);
    await ready?.(session);
  });
  after(async () => {
    await browser?.close();
    await network?.close();
    await closeCryptoWorkers();
  });
}
