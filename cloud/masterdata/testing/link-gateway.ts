/**
 * A gateway's end of the edge link for master data, for tests: an MQTT client logged in as the
 * gateway that answers `masterdata.sync` with whatever `apply` says (a model of the cache here,
 * the gateway's real cache in bin/system/master-data-sync.test.ts), or stays silent as if away,
 * and sends configuration reports with the version it holds. Not a test itself.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { edgeLinkTopic, type MasterDataSyncArgs } from '../../../connectors/edge-link/index.ts';

export type SyncAnswer = { ok: true; result: { version: number; applied: number } } | { ok: false; code: string; message: string };

export interface LinkGatewayOptions {
  url: string;
  username: string;
  password: string;
  group: string;
  edge: string;
  apply: (args: MasterDataSyncArgs) => SyncAnswer;
  /** The version to report; undefined reports no masterData (a gateway without scanning). */
  held: () => number | undefined;
}

export class LinkGateway {
  /** Every masterdata.sync received, answered or not. */
  readonly commands: MasterDataSyncArgs[] = [];
  silent = false;
  readonly #o: LinkGatewayOptions;
  #client!: MqttClient;

  constructor(options: LinkGatewayOptions) {
    this.#o = options;
  }

  async connect(): Promise<void> {
    const { url, username, password, group, edge } = this.#o;
    this.#client = await mqtt.connectAsync(url, { clientId: `${edge}-${randomUUID()}`, protocolVersion: 4, username, password, reconnectPeriod: 0 });
    this.#client.on('message', (_topic, payload) => this.#onCommand(JSON.parse(payload.toString())));
    await this.#client.subscribeAsync(edgeLinkTopic(group, edge, 'cmd'), { qos: 1 });
  }

  /** What a gateway sends at each session start. */
  async report(): Promise<void> {
    const held = this.#o.held();
    const report = {
      id: randomUUID(), version: 0, connectors: [], source: 'file', at: Date.now(),
      ...(held === undefined ? {} : { masterData: { version: held } }),
    };
    await this.#client.publishAsync(edgeLinkTopic(this.#o.group, this.#o.edge, 'config'), JSON.stringify(report), { qos: 1 });
  }

  #onCommand(command: { id: string; type: string; args: MasterDataSyncArgs }): void {
    if (command.type !== 'masterdata.sync') return;
    this.commands.push(command.args);
    if (this.silent) return;
    const answer = this.#o.apply(command.args);
    const ack = answer.ok
      ? { id: command.id, type: command.type, ok: true, result: answer.result, at: Date.now() }
      : { id: command.id, type: command.type, ok: false, error: { code: answer.code, message: answer.message }, at: Date.now() };
    this.#client.publish(edgeLinkTopic(this.#o.group, this.#o.edge, 'ack'), JSON.stringify(ack), { qos: 1 });
  }

  close(): Promise<void> {
    return this.#client.endAsync();
  }
}
