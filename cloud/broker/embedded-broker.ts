/**
 * The cloud's embedded MQTT 3.1.1 broker (aedes), for sites that do not run their own.
 * Every client logs in with one of the configured users; access policy is an aedes hook.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { AedesOptions, AuthenticateError } from 'aedes';
import type { Logger } from 'pino';

export interface BrokerUser {
  username: string;
  password: string;
}

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port; the actual one is in the result. */
  port: number;
  users: readonly BrokerUser[];
  logger: Logger;
}

export interface EmbeddedBrokerStats {
  port: number;
  connectedClients: number;
  /** Messages published by clients since start. */
  messagesPublished: number;
  /** Logins refused (bad username or password). */
  authFailures: number;
}

export interface EmbeddedBroker {
  readonly port: number;
  stats(): EmbeddedBrokerStats;
  /** Disconnect every client, stop listening and stop the broker. */
  close(): Promise<void>;
}

/** MQTT 3.1.1 CONNACK return code 4 [MQTT-3.2.2-3]: bad user name or password. */
const BAD_USERNAME_OR_PASSWORD = 4;

function digest(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * A constant-time credential check: both sides are hashed to equal-length digests, every user is
 * compared, so neither the password length nor which user matched shows in the timing.
 */
export function credentialChecker(users: readonly BrokerUser[]) {
  const known = users.map((user) => ({ username: digest(user.username), password: digest(user.password) }));
  return (username: string | undefined, password: Buffer | undefined): boolean => {
    const givenUser = digest(username ?? '');
    const givenPassword = digest(password ?? Buffer.alloc(0));
    let ok = false;
    for (const user of known) {
      const userMatches = timingSafeEqual(user.username, givenUser);
      const passwordMatches = timingSafeEqual(user.password, givenPassword);
      ok = (userMatches && passwordMatches) || ok;
    }
    return ok && username !== undefined && password !== undefined;
  };
}

export async function startEmbeddedBroker({ host, port, users, logger }: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  if (users.length === 0) throw new Error('The embedded broker needs at least one user (broker.users in the cloud config)');
  const { Aedes } = await import('aedes');
  const isValid = credentialChecker(users);
  let messagesPublished = 0;
  let authFailures = 0;

  const authenticate: AedesOptions['authenticate'] = (client, username, password, done) => {
    if (isValid(username, password)) {
      done(null, true);
      return;
    }
    authFailures++;
    logger.warn({ clientId: client.id, username }, 'MQTT login refused: bad username or password');
    const error = new Error('Bad username or password') as AuthenticateError;
    error.returnCode = BAD_USERNAME_OR_PASSWORD;
    done(error, null);
  };

  const authorizePublish: AedesOptions['authorizePublish'] = (_client, packet, done) => {
    // aedes's default rule, kept: $SYS/ topics belong to the broker, clients do not publish there.
    if (packet.topic.startsWith('$SYS/')) {
      done(new Error('$SYS/ topics are reserved for the broker'));
      return;
    }
    messagesPublished++;
    done(null);
  };

  const broker = await Aedes.createBroker({ authenticate, authorizePublish });
  broker.on('clientError', (client, error) => {
    logger.debug({ clientId: client.id, err: error }, 'MQTT client error');
  });
  broker.on('connectionError', (client, error) => {
    logger.debug({ clientId: client.id, err: error }, 'MQTT connection error');
  });

  // Nagle's algorithm adds tens of ms per message at low rates (TOOLCHAIN.md); turn it off.
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // reported by aedes as a client error; must not crash us
    broker.handle(socket);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  server.on('error', (error) => logger.error({ err: error }, 'MQTT listener error'));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;

  let closing: Promise<void> | undefined;
  return {
    port: actualPort,
    stats: () => ({ port: actualPort, connectedClients: broker.connectedClients, messagesPublished, authFailures }),
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        // Connections that never completed CONNECT are not aedes clients; end them too.
        for (const socket of sockets) socket.destroy();
        await serverClosed;
      })();
      return closing;
    },
  };
}
