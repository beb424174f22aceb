import { describe, expect, it } from 'vitest';
import type { TagValue } from '../../connectors/connector.ts';
import { ConnectorLinkEvents } from './connector-link-events.ts';

const bad = (error: string): TagValue => ({ device: 'shelf', tag: 'B10/temperature', value: null, quality: 'bad', ts: 1, error });
const good: TagValue = { device: 'shelf', tag: 'B10/temperature', value: 4.2, quality: 'good', ts: 1 };

function setup() {
  const emitted: Array<{ type: string; body: unknown }> = [];
  const errors: object[] = [];
  let failNext = false;
  const links = new ConnectorLinkEvents({
    events: {
      emit: (type, body) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        emitted.push({ type, body });
        return `ev-${emitted.length}`;
      },
    },
    logger: { error: (obj) => errors.push(obj) },
  });
  return { links, emitted, errors, failOnce: () => { failNext = true; } };
}

describe('ConnectorLinkEvents', () => {
  it('emits connector.link when a link goes down and when it is back, once per change, with the read error', () => {
    const { links, emitted } = setup();
    links.observe('shelf', 'up', [good]);
    links.observe('shelf', 'up', [good]);
    links.observe('shelf', 'down', [bad('LINK_DOWN')]);
    links.observe('shelf', 'down', [bad('LINK_DOWN')]);
    links.observe('shelf', 'up', [good]);
    expect(emitted).toEqual([
      { type: 'connector.link', body: { connector: 'shelf', state: 'up' } },
      { type: 'connector.link', body: { connector: 'shelf', state: 'down', error: 'LINK_DOWN' } },
      { type: 'connector.link', body: { connector: 'shelf', state: 'up' } },
    ]);
  });

  it('says nothing for connecting and closed, and follows each connector on its own', () => {
    const { links, emitted } = setup();
    links.observe('shelf', 'connecting', [bad('LINK_DOWN')]);
    links.observe('press', 'up', [good]);
    links.observe('shelf', 'closed', []);
    links.observe('shelf', undefined, []);
    links.observe('shelf', 'down', [bad('TIMEOUT')]);
    expect(emitted.map((e) => e.body)).toEqual([{ connector: 'press', state: 'up' }, { connector: 'shelf', state: 'down', error: 'TIMEOUT' }]);
  });

  it('tries again at the next read result when the event could not be queued', () => {
    const { links, emitted, errors, failOnce } = setup();
    failOnce();
    links.observe('shelf', 'down', [bad('LINK_DOWN')]);
    expect(emitted).toEqual([]);
    expect(errors).toHaveLength(1);
    links.observe('shelf', 'down', [bad('LINK_DOWN')]);
    expect(emitted).toHaveLength(1);
  });
});
