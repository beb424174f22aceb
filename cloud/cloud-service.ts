/**
 * The cloud core's composition root: store, broker, Sparkplug ingest and the admin web app.
 * It composes; each part owns its own behaviour.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CloudConfig } from '../config/cloud-schema.ts';
import { startEmbeddedBroker } from './broker/embedded-broker.ts';
import { startSparkplugIngest } from './ingest/sparkplug-ingest.ts';
import { openTelemetryStore } from './store/telemetry-store.ts';
import { buildCloudApp } from './web/app.ts';
import { startCloudHttp } from './web/server.ts';

export interface CloudService {
  httpUrl: string;
  mqttUrl: string;
  close(): Promise<void>;
}

export async function startCloud({ config, logger }: { config: CloudConfig; logger: Logger }): Promise<CloudService> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = openTelemetryStore(config.store.path ?? join(config.dataDir, 'cloud.sqlite'));
  const closers: Array<() => Promise<void> | void> = [() => store.close()];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (err) {
        logger.warn({ err }, 'error while stopping the cloud');
      }
    }
  };
  try {
    let mqttUrl: string;
    let ingestCredentials: { username?: string; password?: string };
    let brokerStats: () => object = () => ({ mode: 'external' });
    if (config.broker.mode === 'embedded') {
      // The in-process ingest logs in with a credential made fresh at each start, so no
      // config file has to carry it.
      const ingestUser = { username: 'cloud-ingest', password: randomBytes(24).toString('base64url') };
      const broker = await startEmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        users: [...config.broker.users, ingestUser],
        logger: logger.child({ part: 'broker' }),
      });
      closers.push(() => broker.close());
      mqttUrl = `mqtt://${config.broker.host}:${broker.port}`;
      ingestCredentials = ingestUser;
      brokerStats = () => ({ mode: 'embedded', ...broker.stats() });
      logger.info({ mqttUrl }, 'embedded MQTT broker listening');
    } else {
      mqttUrl = config.broker.url;
      ingestCredentials = { username: config.broker.username, password: config.broker.password };
    }
    const ingest = await startSparkplugIngest({
      url: mqttUrl,
      ...ingestCredentials,
      store,
      logger: logger.child({ part: 'ingest' }),
    });
    closers.push(() => ingest.close());
    const app = buildCloudApp({
      store,
      logger: logger.child({ part: 'web' }),
      health: () => ({ broker: brokerStats(), ingest: ingest.stats() }),
    });
    const http = await startCloudHttp({ app, host: config.http.host, port: config.http.port });
    closers.push(() => http.close());
    logger.info({ url: http.url }, 'admin UI listening');
    return { httpUrl: http.url, mqttUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}
