import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/support/free-port.ts';
import { startS7Simulator } from '../../simulators/s7/index.ts';
import { createNodeS7Port, type S7Port, type S7Target } from './s7-port.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const target = (port: number, timeoutMs = 300): S7Target => ({ host: '127.0.0.1', port, rack: 0, slot: 1, timeoutMs });

function port(): S7Port {
  const p = createNodeS7Port();
  cleanups.push(() => p.close());
  return p;
}

/** A TCP peer that is no PLC: `onSocket` decides what it does with each connection. */
async function rogueServer(onSocket: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => { sockets.add(s); s.on('error', () => {}); onSocket(s); });
  const p = await freePort();
  await new Promise<void>((resolve) => server.listen(p, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }));
  return p;
}

describe('NodeS7Port', () => {
  it('rejects with LINK_DOWN when nothing listens', async () => {
    await expect(port().connect(target(await freePort()))).rejects.toMatchObject({ code: 'LINK_DOWN', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('rejects with LINK_DOWN when the peer resets the connection during the ISO handshake', async () => {
    const p = await rogueServer((s) => s.once('data', () => s.resetAndDestroy()));
    await expect(port().connect(target(p))).rejects.toMatchObject({ code: 'LINK_DOWN' });
  });

  it('rejects with TIMEOUT when the peer accepts TCP and never answers', async () => {
    const p = await rogueServer(() => {});
    await expect(port().connect(target(p, 100))).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('reports a PLC stop once through onLinkLost and fails later reads with LINK_DOWN', async () => {
    const p = await freePort();
    const sim = await startS7Simulator({ port: p });
    cleanups.push(() => sim.close());
    const s7 = port();
    const lost: Error[] = [];
    s7.onLinkLost((reason) => lost.push(reason));
    await s7.connect(target(p));
    expect(s7.isOpen).toBe(true);
    const first = await s7.readItems(['DB1,DINT0', 'DB2,REAL0']);
    expect(first.get('DB1,DINT0')).toEqual({ ok: true, value: 8400, quality: 'OK' });
    await sim.close();
    const deadline = Date.now() + 3000;
    while (lost.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(lost).toHaveLength(1);
    expect(s7.isOpen).toBe(false);
    await expect(s7.readItems(['DB1,DINT0'])).rejects.toMatchObject({ code: 'LINK_DOWN' });
    await expect(s7.writeItem('DB1,DINT0', 1)).rejects.toMatchObject({ code: 'LINK_DOWN' });
  });

  it('serializes writes that nodes7 alone would refuse while one is in flight', async () => {
    const p = await freePort();
    const sim = await startS7Simulator({ port: p });
    cleanups.push(() => sim.close());
    const s7 = port();
    await s7.connect(target(p));
    await Promise.all([10, 11, 12, 13].map((n, i) => s7.writeItem(`DB1,INT${40 + 44 * (i % 2)}`, n)));
    const values = await s7.readItems(['DB1,INT40', 'DB1,INT84']);
    expect([values.get('DB1,INT40')!.value, values.get('DB1,INT84')!.value]).toEqual([12, 13]);
  });
});
