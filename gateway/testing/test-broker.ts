/**
 * An embedded aedes broker for tests, on a fixed port so the gateway-facing side can go away and
 * come back on the same port (the gateway's reconnect path). MQTT 3.1.1 only: clients must use
 * protocolVersion 4.
 *
 * stop()/start() replace the whole broker (a real restart) unless `observerPort` is given: then the
 * broker keeps running and only the listener on `port` closes and drops its connections, so test
 * subscribers on the observer port see everything, including the Will of the dropped gateway.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface TestBroker {
  readonly port: number;
  readonly url: string;
  /** Set when started with an observer port: a listener that stop() leaves alone. */
  readonly observerUrl: string | undefined;
  /** The listener on `port` closes and its clients lose their connections. */
  stop(): Promise<void>;
  /** Listens on `port` again. */
  start(): Promise<void>;
  /** Stops everything, observer included. */
  close(): Promise<void>;
  readonly running: boolean;
}

interface Listener { server: Server; sockets: Set<Socket> }

type Broker = { handle: (socket: Socket) => void; close: (cb: () => void) => void };

async function createBroker(): Promise<Broker> {
  const { Aedes } = await import('aedes');
  return (await Aedes.createBroker()) as unknown as Broker;
}

async function listen(broker: () => Broker, port: number): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    broker().handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, sockets };
}

async function unlisten(listener: Listener): Promise<void> {
  for (const socket of listener.sockets) socket.destroy();
  await new Promise<void>((resolve) => listener.server.close(() => resolve()));
}

export async function startTestBroker(port: number, options: { observerPort?: number } = {}): Promise<TestBroker> {
  let broker = await createBroker();
  let main: Listener | undefined = await listen(() => broker, port);
  const observer = options.observerPort === undefined ? undefined : await listen(() => broker, options.observerPort);
  const realRestart = observer === undefined;

  const testBroker: TestBroker = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    observerUrl: observer ? `mqtt://127.0.0.1:${options.observerPort}` : undefined,
    get running() { return main !== undefined; },
    async stop() {
      if (!main) return;
      const closing = main;
      main = undefined;
      await unlisten(closing);
      if (realRestart) await new Promise<void>((resolve) => broker.close(resolve));
    },
    async start() {
      if (main) return;
      if (realRestart) broker = await createBroker();
      main = await listen(() => broker, port);
    },
    async close() {
      await testBroker.stop();
      if (observer) {
        await unlisten(observer);
        await new Promise<void>((resolve) => broker.close(resolve));
      }
    },
  };
  return testBroker;
}
