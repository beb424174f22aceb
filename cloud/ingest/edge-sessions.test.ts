import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EdgeSessions } from './edge-sessions.ts';
import { openEdgeSessions, type OpenEdgeSessions } from './sqlite-edge-sessions.ts';

let dir: string;
let now: number;
const clock = { now: () => now };
const opened: OpenEdgeSessions[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgestock-sessions-'));
  now = 1_700_000_000_000;
});
afterEach(() => {
  for (const open of opened.splice(0)) open.close();
  rmSync(dir, { recursive: true, force: true });
});

function reopen(): EdgeSessions {
  const open = openEdgeSessions(join(dir, 'cloud.sqlite'), { clock });
  opened.push(open);
  return open.sessions;
}

// Every behaviour holds with and without the SQLite persistence behind it.
describe.each([
  ['in memory', () => new EdgeSessions({ clock })],
  ['kept in SQLite', reopen],
])('edge sessions (%s)', (_name, make) => {
  it('holds a node online from its NBIRTH until the NDEATH of that session, with its devices', () => {
    const sessions = make();
    sessions.nodeBirth('plant', 'gw-1', 7);
    sessions.deviceBirth('plant', 'gw-1', 'press');
    sessions.deviceBirth('plant', 'gw-1', 'shelf');
    expect(sessions.get('plant', 'gw-1')).toMatchObject({
      online: true, bdSeq: 7, lastBirthAt: now, lastDeathAt: null, births: 1,
      devices: [{ name: 'press', online: true }, { name: 'shelf', online: true }],
    });
    now += 5000;
    expect(sessions.nodeDeath('plant', 'gw-1', 7)).toBe('ended');
    expect(sessions.get('plant', 'gw-1')).toMatchObject({
      online: false, bdSeq: 7, lastDeathAt: now,
      devices: [{ name: 'press', online: false, lastDeathAt: now }, { name: 'shelf', online: false, lastDeathAt: now }],
    });
    expect(sessions.counts()).toEqual({ edgeNodesKnown: 1, edgeNodesOnline: 0, devicesOnline: 0 });
  });

  it('ignores an NDEATH whose bdSeq is not the current session\'s: a late Will of an older connection', () => {
    const sessions = make();
    sessions.nodeBirth('plant', 'gw-1', 7);
    expect(sessions.nodeDeath('plant', 'gw-1', 6)).toBe('stale');
    expect(sessions.nodeDeath('plant', 'gw-1', null)).toBe('stale'); // no bdSeq: cannot be this session's
    expect(sessions.get('plant', 'gw-1')).toMatchObject({ online: true, bdSeq: 7, staleDeaths: 2, lastDeathAt: null });
  });

  it('takes devices offline at a new NBIRTH until their DBIRTH of that session', () => {
    const sessions = make();
    sessions.nodeBirth('plant', 'gw-1', 1);
    sessions.deviceBirth('plant', 'gw-1', 'press');
    sessions.nodeBirth('plant', 'gw-1', 2);
    expect(sessions.get('plant', 'gw-1')).toMatchObject({ online: true, bdSeq: 2, births: 2, devices: [{ name: 'press', online: false }] });
    sessions.deviceBirth('plant', 'gw-1', 'press');
    sessions.deviceDeath('plant', 'gw-1', 'press');
    expect(sessions.get('plant', 'gw-1')!.devices).toEqual([{ name: 'press', online: false, lastBirthAt: now, lastDeathAt: now }]);
  });

  it('says values are stale while their node or device is offline or the host has lost the broker', () => {
    const sessions = make();
    expect(sessions.isStale('plant', 'unknown-gw', 'press')).toBe(false); // nothing says so
    sessions.nodeBirth('plant', 'gw-1', 1);
    sessions.deviceBirth('plant', 'gw-1', 'press');
    sessions.deviceBirth('plant', 'gw-1', 'shelf');
    sessions.deviceDeath('plant', 'gw-1', 'shelf');
    expect([sessions.isStale('plant', 'gw-1', ''), sessions.isStale('plant', 'gw-1', 'press'), sessions.isStale('plant', 'gw-1', 'shelf')])
      .toEqual([false, false, true]);
    sessions.setHostConnected(false);
    expect(sessions.isStale('plant', 'gw-1', 'press')).toBe(true);
    sessions.setHostConnected(true);
    sessions.nodeDeath('plant', 'gw-1', 1);
    expect([sessions.isStale('plant', 'gw-1', ''), sessions.isStale('plant', 'gw-1', 'press')]).toEqual([true, true]);
  });

  it('takes every node and device offline when the host\'s broker session was lost, naming the nodes that were online', () => {
    const sessions = make();
    sessions.nodeBirth('plant', 'gw-1', 1);
    sessions.deviceBirth('plant', 'gw-1', 'press');
    sessions.nodeBirth('plant', 'gw-2', 1);
    sessions.nodeDeath('plant', 'gw-2', 1);
    expect(sessions.hostSessionLost()).toEqual([{ group: 'plant', edge: 'gw-1' }]);
    expect(sessions.list().map((n) => [n.edge, n.online, n.devices.map((d) => d.online)])).toEqual([['gw-1', false, [false]], ['gw-2', false, []]]);
    expect(sessions.get('plant', 'gw-1')).toMatchObject({ bdSeq: 1, lastDeathAt: null }); // not a death: unknown until it is born again
  });

  it('counts gaps, rebirth requests and rejected frames per node, and lists nodes in order', () => {
    const sessions = make();
    sessions.seqGap('plant', 'gw-2');
    sessions.rebirthRequested('plant', 'gw-2');
    sessions.frameRejected('plant', 'gw-2');
    sessions.frameRejected('plant', 'gw-2');
    sessions.nodeBirth('dc', 'gw-9', 0);
    expect(sessions.list().map((n) => [n.group, n.edge, n.online, n.seqGaps, n.rebirthRequests, n.rejectedFrames]))
      .toEqual([['dc', 'gw-9', true, 0, 0, 0], ['plant', 'gw-2', false, 1, 1, 2]]);
  });
});

describe('edge sessions kept in SQLite', () => {
  it('come back after a restart as they were left', () => {
    const first = reopen();
    first.nodeBirth('plant', 'gw-1', 3);
    first.deviceBirth('plant', 'gw-1', 'press');
    first.seqGap('plant', 'gw-1');
    first.nodeBirth('plant', 'gw-2', 0);
    now += 1000;
    first.nodeDeath('plant', 'gw-2', 0);
    const before = first.list();
    opened.pop()!.close();

    const second = reopen();
    expect(second.list()).toEqual(before);
    // the kept bdSeq still tells a late Will from the real death
    expect(second.nodeDeath('plant', 'gw-1', 2)).toBe('stale');
    expect(second.nodeDeath('plant', 'gw-1', 3)).toBe('ended');
  });

  it('live in the tables of migration 7', () => {
    reopen().nodeBirth('plant', 'gw-1', 1);
    const db = new Database(join(dir, 'cloud.sqlite'), { readonly: true });
    expect(db.prepare('SELECT grp, edge, online, bd_seq, births FROM edge_node_session').all()).toEqual([{ grp: 'plant', edge: 'gw-1', online: 1, bd_seq: 1, births: 1 }]);
    expect(db.prepare("SELECT name FROM schema_migrations WHERE version = 7").pluck().get()).toBe('edge-sessions');
    db.close();
  });
});
