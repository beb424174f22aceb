/** The cloud core's configuration: its broker, its store and its admin HTTP server. */
import { z } from 'zod';

const credentials = z.strictObject({ username: z.string().min(1), password: z.string().min(1) });

export const cloudConfigSchema = z.strictObject({
  dataDir: z.string().default('./data/cloud'),
  http: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
  }).prefault({}),
  broker: z.discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('embedded'),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(1883),
      /** Gateways (and the ingest) log in with one of these. */
      users: z.array(credentials).min(1, 'the embedded broker needs at least one gateway user'),
    }),
    z.strictObject({
      mode: z.literal('external'),
      url: z.string().regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'expected mqtt://host:port or mqtts://host:port'),
      username: z.string().optional(),
      password: z.string().optional(),
    }),
  ]),
  store: z.strictObject({
    /** SQLite file; defaults to <dataDir>/cloud.sqlite */
    path: z.string().optional(),
  }).prefault({}),
});
export type CloudConfig = z.infer<typeof cloudConfigSchema>;
