import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock.ts';
import { ConnectorError } from './errors.ts';
import type { ConnectorLogger } from './connector-logger.ts';
import { LinkSupervisor, type LinkSupervisorOptions } from './link-supervisor.ts';

function recordingLogger() {
  const lines: Array<[level: string, msg: string | undefined]> = [];
  const at = (level: string) => (_obj: object, msg?: string) => { lines.push([level, msg]); };
  const logger: ConnectorLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/** A device that refuses `failures` connects, then accepts. */
function device(failures: number) {
  const openedAt: number[] = [];
  let closes = 0;
  return {
    openedAt,
    get closes() { return closes; },
    open: async () => {
      openedAt.push(Date.now());
      if (openedAt.length <= failures) throw new Error('ECONNREFUSED');
    },
    close: async () => { closes += 1; },
  };
}

function supervisor(d: { open(): Promise<void>; close(): Promise<void> }, extra: Partial<LinkSupervisorOptions> = {}) {
  return new LinkSupervisor({
    name: 'plc-1',
    open: () => d.open(),
    close: () => d.close(),
    isFatal: (err) => err instanceof ConnectorError && err.code === 'TRANSPORT_UNAVAILABLE',
    policy: { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 },
    clock: systemClock,
    random: () => 0.5,
    logger: recordingLogger().logger,
    ...extra,
  });
}

describe('LinkSupervisor', () => {
  beforeEach(() => { vi.useFakeTimers({ now: 0 }); });
  afterEach(() => { vi.useRealTimers(); });

  it('retries with exponential backoff until the device answers', async () => {
    const d = device(4);
    const link = supervisor(d);
    let connected = false;
    void link.connect().then(() => { connected = true; });
    await vi.advanceTimersByTimeAsync(2000);
    expect(d.openedAt).toEqual([0, 100, 300, 700, 1500]);
    expect(connected).toBe(true);
    expect(link.state).toBe('up');
    expect(link.reconnects).toBe(0);
    await link.close();
  });

  it('shows "connecting" before the first connection and "down" after a loss', async () => {
    const d = device(1);
    const link = supervisor(d);
    expect(link.state).toBe('down');
    const connecting = link.connect();
    expect(link.state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(100);
    await connecting;
    link.lost(new Error('ECONNRESET'));
    expect(link.state).toBe('down');
    await vi.advanceTimersByTimeAsync(100);
    expect(link.state).toBe('up');
    expect(link.reconnects).toBe(1);
    expect(d.closes).toBe(1);
    await link.close();
    expect(link.state).toBe('closed');
  });

  it('warns once per outage and logs the retries at debug', async () => {
    const { logger, lines } = recordingLogger();
    const link = supervisor(device(3), { logger });
    void link.connect();
    await vi.advanceTimersByTimeAsync(1000);
    expect(lines).toEqual([
      ['warn', 'connect failed; retrying'],
      ['debug', 'connect failed; retrying'],
      ['debug', 'connect failed; retrying'],
      ['info', 'link up'],
    ]);
    await link.close();
  });

  it('rejects connect() when its signal aborts and stops trying', async () => {
    const d = device(Infinity);
    const link = supervisor(d);
    const abort = new AbortController();
    const connecting = link.connect(abort.signal);
    const rejected = expect(connecting).rejects.toThrow('operator cancelled');
    await vi.advanceTimersByTimeAsync(250);
    abort.abort(new Error('operator cancelled'));
    await rejected;
    const attempts = d.openedAt.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(d.openedAt.length).toBe(attempts);
    expect(link.state).toBe('down');
  });

  it('gives up at once on a fatal error', async () => {
    const fatal = new ConnectorError('TRANSPORT_UNAVAILABLE', 'serialport missing');
    let opens = 0;
    const link = supervisor({ open: async () => { opens += 1; throw fatal; }, close: async () => {} });
    await expect(link.connect()).rejects.toBe(fatal);
    await vi.advanceTimersByTimeAsync(5000);
    expect(opens).toBe(1);
    await expect(link.connect()).rejects.toBe(fatal);
  });

  it('close() stops reconnecting and rejects a waiting connect()', async () => {
    const d = device(Infinity);
    const link = supervisor(d);
    const connecting = link.connect();
    const rejected = expect(connecting).rejects.toMatchObject({ code: 'LINK_DOWN' });
    await vi.advanceTimersByTimeAsync(150);
    await link.close();
    await rejected;
    const attempts = d.openedAt.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(d.openedAt.length).toBe(attempts);
    await expect(link.connect()).rejects.toThrow(/is closed/);
  });
});
