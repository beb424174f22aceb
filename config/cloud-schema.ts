/** The cloud core's configuration: its broker, its store and its admin HTTP server. */
import { z } from 'zod';
import { topicLevel } from './schema-parts.ts';
import { clientTlsSchema, serverTlsSchema } from './tls-schema.ts';

/** The embedded broker's own login for the in-process ingest; no gateway may take it. */
export const INGEST_USERNAME = 'cloud-ingest';

/** A gateway's broker login, bound to its Sparkplug group and edge node: it may use only their topics. */
const gatewayUser = z.strictObject({
  username: z.string().min(1).refine((name) => name !== INGEST_USERNAME, `"${INGEST_USERNAME}" is the cloud's own ingest login; choose another username`),
  password: z.string().min(1),
  /** Sparkplug group id of this gateway (gateway.group in its site config) */
  group: topicLevel,
  /** Sparkplug edge node id of this gateway (gateway.edge in its site config) */
  edge: topicLevel,
});

const gatewayUsers = z.array(gatewayUser).min(1, 'the embedded broker needs at least one gateway user').superRefine((users, ctx) => {
  const usernames = new Map<string, number>();
  const identities = new Map<string, number>();
  users.forEach((user, i) => {
    const sameName = usernames.get(user.username);
    if (sameName !== undefined) {
      ctx.addIssue({ code: 'custom', path: [i, 'username'], message: `"${user.username}" is already users[${sameName}]; each gateway needs its own username`, params: { verbatim: true } });
    } else usernames.set(user.username, i);
    const identity = `${user.group}/${user.edge}`;
    const sameEdge = identities.get(identity);
    if (sameEdge !== undefined) {
      ctx.addIssue({ code: 'custom', path: [i, 'edge'], message: `${identity} is already users[${sameEdge}]; one login per Sparkplug edge node`, params: { verbatim: true } });
    } else identities.set(identity, i);
  });
});

const port = z.number().int().min(0).max(65535);

export const cloudConfigSchema = z.strictObject({
  dataDir: z.string().default('./data/cloud'),
  http: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: port.default(8080),
    /** Serve HTTPS instead of HTTP. */
    tls: serverTlsSchema.optional(),
  }).prefault({}),
  broker: z.discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('embedded'),
      host: z.string().default('127.0.0.1'),
      /** Plain MQTT port. */
      port: port.default(1883),
      /** false: no plain MQTT listener, MQTTS (broker.tls) only. */
      plain: z.boolean().default(true),
      /** An MQTTS listener, alongside the plain one or (plain: false) instead of it. */
      tls: serverTlsSchema.extend({ port: port.default(8883) }).optional(),
      /** Gateways log in with one of these (the ingest has its own login). */
      users: gatewayUsers,
    }).refine((broker) => broker.plain || broker.tls !== undefined, {
      message: 'plain: false leaves no listener; add broker.tls or set plain: true', params: { verbatim: true },
    }),
    z.strictObject({
      mode: z.literal('external'),
      url: z.string().regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'expected mqtt://host:port or mqtts://host:port'),
      username: z.string().optional(),
      password: z.string().optional(),
      /** For an mqtts:// url: which CA to trust, optionally a client certificate. */
      tls: clientTlsSchema.optional(),
    }).refine((broker) => broker.tls === undefined || broker.url.startsWith('mqtts://'), {
      path: ['tls'], message: 'tls is set but the url is not mqtts://; use mqtts://host:port', params: { verbatim: true },
    }),
  ]),
  /** The Sparkplug host application that stores telemetry (cloud/ingest). */
  ingest: z.strictObject({
    /** Sparkplug host_id: STATE goes to spBv1.0/STATE/<hostId>; gateways name it as north.primaryHostId. */
    hostId: topicLevel.default('edgestock-cloud'),
    /** MQTT protocol level towards an external broker: 4 = MQTT 3.1.1, 5 = MQTT 5 (the embedded broker speaks 4). */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  }).prefault({}),
  store: z.strictObject({
    /** SQLite file; defaults to <dataDir>/cloud.sqlite */
    path: z.string().optional(),
  }).prefault({}),
  /**
   * Process rules (cloud/rules, docs/rule-release.md): the site glossary new rule pack versions are
   * compiled against, and the pack that becomes the production version on a first start with no
   * versions stored. Paths are relative to this file.
   */
  rules: z.strictObject({
    glossary: z.string().min(1),
    seedPack: z.string().min(1).optional(),
  }).optional(),
  /**
   * Master data (cloud/masterdata, issue 6): the `*.master-data.yaml` the store is seeded with on
   * a first start (an empty store); later starts leave the store as it is. Relative to this file.
   */
  masterData: z.strictObject({
    seed: z.string().regex(/\.master-data\.ya?ml$/, 'expected a *.master-data.yaml file').optional(),
  }).optional(),
  /**
   * The inventory core's seed (cloud/inventory, cloud/tooling, issue 7): the `*.inventory.yaml` with
   * sales channels, tooling, the production schedule and the fusion's sources and dictionary,
   * applied to each part that is still empty on a start. Relative to this file.
   */
  inventory: z.strictObject({
    seed: z.string().regex(/\.inventory\.ya?ml$/, 'expected a *.inventory.yaml file').optional(),
    /**
     * Whether the ledger's own figures are one of the stock fusion's sources (`edgestock`): it then
     * fills every bucket no report sets and checks external reports against the ledger. Off only
     * where the fused figures must come from the external sources alone.
     */
    fusionFromLedger: z.boolean().default(true),
  }).optional(),
  /**
   * Demand forecasting and replenishment (cloud/forecasting, issue 8): the factor scope forecasts
   * read, when the daily forecast runs, and for a demo the days of sales history generated into an
   * empty ledger (back-dated receipts and shipments, so there is something to forecast).
   */
  forecasting: z.strictObject({
    factorScope: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$/, 'expected a scope name such as default').default('default'),
    /** Minutes after midnight UTC; null: no daily run (jobs started from the UI or API only). */
    dailyRunMinute: z.number().int().min(0).max(1439).nullable().default(60),
    /**
     * Forecast runs made from a day more than this many days ago are deleted after each run. At
     * least 103: the MAPE monitor reads back 12 weeks of forecasts, each from a run up to 13 days
     * older (MIN_KEEP_RUNS_DAYS in cloud/forecasting/forecast-run-retention.ts).
     */
    keepRunsDays: z.number().int().min(103, 'expected at least 103 days: the MAPE monitor reads back 12 weeks of forecasts, each from a run up to 13 days older; raise it to 103 or more').default(120),
    /** Whose public holidays the LSTM learns as input features; null: the weekday alone. */
    lstmHolidays: z.enum(['china', 'us'], { error: 'expected china or us (whose public holidays the LSTM learns), or null for none' }).nullable().default('china'),
    demoHistoryDays: z.number().int().min(0).max(1095).default(0),
    demoHistorySeed: z.number().int().default(8),
  }).optional(),
  /** Admin UI and API accounts (cloud/auth). */
  auth: z.strictObject({
    /** A login session ends after this many minutes without a request (and always 12 h after login). */
    sessionTtlMinutes: z.number().int().min(1).max(24 * 60).default(30),
    /** Mark the session cookie Secure (HTTPS only); only a demo on http://127.0.0.1 sets false. */
    secureCookies: z.boolean().default(true),
    /** Seed the documented demo users, one per role (README "Demo users and roles"); never in production. */
    demoUsers: z.boolean().default(false),
  }).prefault({}),
}).superRefine((config, ctx) => {
  // Runs even when other fields have problems (`when` below), so every problem is reported at
  // once: hence the optional chaining over a value that may be partly invalid.
  if (config?.broker?.mode === 'embedded' && config?.ingest?.protocolVersion === 5) {
    ctx.addIssue({
      code: 'custom', path: ['ingest', 'protocolVersion'], params: { verbatim: true },
      message: 'the embedded broker (aedes) speaks MQTT 3.1.1 only; use protocolVersion 4 or an external broker',
    });
  }
}, { when: () => true });
export type CloudConfig = z.infer<typeof cloudConfigSchema>;
