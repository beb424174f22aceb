import { describe, expect, it } from 'vitest';
import { cloudConfigSchema } from '../../config/cloud-schema.ts';
import { parseConfig } from '../../config/load-config.ts';

const users = [{ username: 'gw', password: 'gw-pass', group: 'plant', edge: 'gw-1' }];
const parse = (raw: object) => parseConfig(cloudConfigSchema, raw, 'cloud.yaml');

describe('the ingest section of the cloud config', () => {
  it('defaults to host id edgestock-cloud and MQTT 3.1.1', () => {
    expect(parse({ broker: { mode: 'embedded', users } }).ingest).toEqual({ hostId: 'edgestock-cloud', protocolVersion: 4 });
  });

  it('takes MQTT 5 towards an external broker', () => {
    expect(parse({ broker: { mode: 'external', url: 'mqtt://broker:1883' }, ingest: { hostId: 'cloud-b', protocolVersion: 5 } }).ingest)
      .toEqual({ hostId: 'cloud-b', protocolVersion: 5 });
  });

  it('refuses MQTT 5 with the embedded broker, naming the field, alongside any other problem', () => {
    expect(() => parse({ broker: { mode: 'embedded', users }, ingest: { protocolVersion: 5 } })).toThrow(
      'ingest.protocolVersion: the embedded broker (aedes) speaks MQTT 3.1.1 only; use protocolVersion 4 or an external broker');
    const error = (() => {
      try {
        parse({ broker: { mode: 'embedded', users }, ingest: { protocolVersion: 5 }, http: { port: 'x' } });
      } catch (caught) {
        return caught as { problems: Array<{ path: string }> };
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((problem) => problem.path).sort()).toEqual(['http.port', 'ingest.protocolVersion']);
  });

  it('refuses a host id that is not one topic level', () => {
    expect(() => parse({ broker: { mode: 'embedded', users }, ingest: { hostId: 'cloud/main' } })).toThrow(/ingest\.hostId: .*topic level/);
  });
});
