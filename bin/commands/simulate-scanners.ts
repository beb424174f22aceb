/**
 * `edgestock simulate scanners`: a fleet of PDAs scanning against a gateway's device broker and
 * reacting to its decisions (simulators/scanner). Prints a one-line summary every 10 s.
 */
import { formatFleetStats, parseDeviceList, startScannerFleet } from '../../simulators/scanner/index.ts';
import { createLogger } from '../support/logger.ts';
import { runUntilSignal } from '../support/run-until-signal.ts';

export interface SimulateScannersOptions {
  url: string;
  devices: string;
  catalog: string;
  rate: number;
  seed: number;
  summaryEveryS: number;
}

export async function simulateScannersCommand(opts: SimulateScannersOptions): Promise<void> {
  const logger = createLogger('scanners');
  let devices: ReturnType<typeof parseDeviceList>;
  try {
    devices = parseDeviceList(opts.devices);
    if (devices.length === 0) throw new Error('--devices: give at least one PDA as id:password:operator');
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  await runUntilSignal(logger, async () => {
    let fleet: Awaited<ReturnType<typeof startScannerFleet>>;
    try {
      fleet = await startScannerFleet({ url: opts.url, devices, catalog: opts.catalog, ratePerDevice: opts.rate, seed: opts.seed, logger });
    } catch (err) {
      // Bad arguments or catalog: say what to fix and exit 2, as config errors do.
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(2);
    }
    logger.info({ url: opts.url, devices: devices.map((d) => `${d.id}/${d.operator}`), ratePerDevice: opts.rate }, 'scanner fleet running');
    const timer = setInterval(() => logger.info(formatFleetStats(fleet.stats())), opts.summaryEveryS * 1000);
    return {
      async close() {
        clearInterval(timer);
        logger.info(formatFleetStats(fleet.stats()));
        await fleet.close();
      },
    };
  });
}
