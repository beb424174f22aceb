import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialChecker, startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';

const logger = pino({ level: 'silent' });
const users = [{ username: 'gw-01', password: 's3cret-gw' }, { username: 'cloud', password: 'other' }];
let broker: EmbeddedBroker | undefined;

afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

function connect(port: number, username: string, password: string) {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, username, password, reconnectPeriod: 0, connectTimeout: 5000 });
}

describe('embedded broker', () => {
  it('listens on the port the OS picks when asked for port 0', async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, users, logger });
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.stats()).toMatchObject({ port: broker.port, connectedClients: 0 });
  });

  it('lets a configured user in and relays messages', async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, users, logger });
    const subscriber = await connect(broker.port, 'cloud', 'other');
    const publisher = await connect(broker.port, 'gw-01', 's3cret-gw');
    await subscriber.subscribeAsync('t/#', { qos: 1 });
    const received = new Promise<string>((resolve) => subscriber.on('message', (_topic, payload) => resolve(payload.toString())));
    await publisher.publishAsync('t/1', 'hello', { qos: 1 });
    expect(await received).toBe('hello');
    expect(broker.stats()).toMatchObject({ connectedClients: 2, messagesPublished: 1 });
    await Promise.all([subscriber.endAsync(), publisher.endAsync()]);
  });

  it('refuses a wrong password, an unknown user and no credentials', async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, users, logger });
    await expect(connect(broker.port, 'gw-01', 'wrong')).rejects.toThrow(/Bad username or password/i);
    await expect(connect(broker.port, 'nobody', 's3cret-gw')).rejects.toThrow(/Bad username or password/i);
    await expect(connect(broker.port, 'gw-01', 'other')).rejects.toThrow(/Bad username or password/i);
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow();
    expect(broker.stats().authFailures).toBe(4);
  });

  it('close() disconnects clients and frees the port', async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, users, logger });
    const port = broker.port;
    const client = await connect(port, 'gw-01', 's3cret-gw');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await broker.close();
    await closed;
    client.end(true);
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port, users, logger }); // port is free again
    expect(broker.port).toBe(port);
  });

  it('checks credentials without leaking which part was wrong', () => {
    const check = credentialChecker(users);
    expect(check('gw-01', Buffer.from('s3cret-gw'))).toBe(true);
    expect(check('gw-01', Buffer.from('s3cret-gw!'))).toBe(false);
    expect(check('gw-01', undefined)).toBe(false);
    expect(check(undefined, Buffer.from(''))).toBe(false);
  });
});
