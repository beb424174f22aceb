/**
 * What the cloud's embedded broker and the gateway's device broker share: aedes behind a plain
 * and/or TLS TCP listener, with Nagle's algorithm off (tens of ms per message at low rates), socket
 * errors kept from crashing the process, a listener that fails to bind cleaned up, and a close
 * that also ends connections which never completed CONNECT. Access policy stays with each broker.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { AuthenticateError } from 'aedes';
import type { Logger } from 'pino';

/** MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2-3]. */
export const CONNACK = { SERVER_UNAVAILABLE: 3, BAD_USERNAME_OR_PASSWORD: 4, NOT_AUTHORIZED: 5 } as const;

/** An error aedes turns into a CONNACK refusal with `returnCode`. */
export function connackRefusal(message: string, returnCode: number): AuthenticateError {
  const error = new Error(message) as AuthenticateError;
  error.returnCode = returnCode;
  return error;
}

/** The part of an aedes broker the listeners need. */
export interface HandlingBroker {
  handle(socket: Socket): unknown;
  close(done: () => void): void;
}

export interface BrokerListenerOptions {
  host: string;
  /** Plain MQTT; 0 picks a free port; omitted: none. */
  port?: number;
  /** MQTTS; its host defaults to `host`. */
  tls?: { host?: string; port: number; cert: string | Buffer; key: string | Buffer };
  logger: Logger;
  /** Names the broker in log lines, e.g. "device MQTT". */
  label: string;
  /** Told of each failed TLS handshake (wrong CA, plain MQTT on the TLS port, ...). */
  onTlsHandshakeFailure?: () => void;
}

export interface BrokerListeners {
  readonly port: number | undefined;
  readonly tlsPort: number | undefined;
  /** Stops listening, closes the broker and ends every connection. */
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const closeBroker = (broker: HandlingBroker) => new Promise<void>((resolve) => broker.close(() => resolve()));

/** Listens for `broker`; if a listener cannot bind, closes what was opened (the broker too) and throws. */
export async function serveBroker(broker: HandlingBroker, options: BrokerListenerOptions): Promise<BrokerListeners> {
  const { host, port, tls, logger, label } = options;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // reported by aedes as a client error; must not crash the process
    broker.handle(socket);
  };
  const plainServer = port === undefined ? undefined : createServer({ noDelay: true }, track);
  const tlsServer = tls === undefined ? undefined : createTlsServer({ cert: tls.cert, key: tls.key, noDelay: true }, track);
  tlsServer?.on('tlsClientError', (error, socket) => {
    options.onTlsHandshakeFailure?.();
    logger.warn({ err: error, remoteAddress: socket.remoteAddress }, `${label}S handshake failed`);
  });

  const servers: Server[] = [];
  let actualPort: number | undefined;
  let actualTlsPort: number | undefined;
  try {
    if (plainServer) {
      actualPort = await listen(plainServer, port!, host);
      servers.push(plainServer);
    }
    if (tlsServer) {
      actualTlsPort = await listen(tlsServer, tls!.port, tls!.host ?? host);
      servers.push(tlsServer);
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    await closeBroker(broker);
    throw error;
  }
  for (const server of servers) server.on('error', (error) => logger.error({ err: error }, `${label} listener error`));

  let closing: Promise<void> | undefined;
  return {
    port: actualPort,
    tlsPort: actualTlsPort,
    close() {
      closing ??= (async () => {
        const serversClosed = Promise.all(servers.map(closeServer));
        await closeBroker(broker);
        // Connections that never completed CONNECT are not aedes clients; end them too.
        for (const socket of sockets) socket.destroy();
        await serversClosed;
      })();
      return closing;
    },
  };
}
