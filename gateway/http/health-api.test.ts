import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../metrics.ts';
import { buildHealthApp, type HealthReport } from './health-api.ts';

function fixture() {
  const outbox = { rows: 12, bytes: 960, maxBytes: 1 << 20, dropped: 3, appended: 20, acked: 8, oldestTs: 1_700_000_000_000 };
  const north = { linkState: 'up' as const, bdSeq: 4, lastError: null, lastPublishAt: 1_700_000_000_500, pointsPublished: 8, framesPublished: 2, unroutablePoints: 0 };
  const figures = { historicalPointsPublished: 0, withheldPoints: 0, eventsPublished: 0, deviceDeaths: 0, hostOfflineDisconnects: 0, backlogRows: 40, hostOnline: false };
  const scheduler = [{ connector: 'shelves', group: '1000ms', intervalMs: 1000, reads: 5, skippedTicks: 2, failures: 0, lastDurationMs: 3 }];
  const links = { shelves: 'down' as const, north: 'up' as const };
  const metrics = new GatewayMetrics({ outbox: () => outbox, links: () => links, north: () => ({ ...north, ...figures }), scheduler: () => scheduler }, { defaultMetrics: false });
  const health = (): HealthReport => ({
    status: 'degraded', uptimeS: 12.5, links: { shelves: 'down' }, north: { ...north, ...figures, deadDevices: ['shelves'] }, outbox,
  });
  return { app: buildHealthApp({ health, registry: metrics.registry }), metrics, north, figures, scheduler, outbox };
}

describe('health API', () => {
  it('GET /health reports status, uptime, links, the north link and the outbox', async () => {
    const { app } = fixture();
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'degraded',
      uptimeS: 12.5,
      links: { shelves: 'down' },
      north: {
        linkState: 'up', bdSeq: 4, lastError: null, lastPublishAt: 1_700_000_000_500, pointsPublished: 8, framesPublished: 2, unroutablePoints: 0,
        historicalPointsPublished: 0, withheldPoints: 0, eventsPublished: 0, deviceDeaths: 0, hostOfflineDisconnects: 0, backlogRows: 40,
        hostOnline: false, deadDevices: ['shelves'],
      },
      outbox: { rows: 12, bytes: 960, maxBytes: 1 << 20, dropped: 3, appended: 20, acked: 8, oldestTs: 1_700_000_000_000 },
    });
    await app.close();
  });

  it('GET /metrics serves Prometheus text with the gateway metrics', async () => {
    const { app, metrics, north, figures, scheduler, outbox } = fixture();
    Object.assign(figures, { historicalPointsPublished: 6, withheldPoints: 1, eventsPublished: 2, deviceDeaths: 1, hostOfflineDisconnects: 1 });
    metrics.pointsRead.inc({ device: 'shelves' }, 43);
    metrics.readErrors.inc({ device: 'shelves', code: 'TIMEOUT' }, 2);
    metrics.pointsQueued.inc(10);
    north.pointsPublished += 5;
    scheduler[0].skippedTicks += 1;
    outbox.dropped += 4;
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toContain('edgestock_points_read_total{device="shelves"} 43');
    expect(text).toContain('edgestock_read_errors_total{device="shelves",code="TIMEOUT"} 2');
    expect(text).toContain('edgestock_points_queued_total 10');
    expect(text).toContain('edgestock_points_published_total 5');
    expect(text).toContain('edgestock_points_dropped_total 4');
    expect(text).toContain('edgestock_skipped_ticks_total{device="shelves",group="1000ms"} 3');
    expect(text).toContain('edgestock_outbox_bytes 960');
    expect(text).toContain('edgestock_outbox_rows 12');
    expect(text).toContain('edgestock_link_up{link="shelves"} 0');
    expect(text).toContain('edgestock_link_up{link="north"} 1');
    expect(text).toContain('edgestock_points_historical_total 6');
    expect(text).toContain('edgestock_points_withheld_total 1');
    expect(text).toContain('edgestock_events_published_total 2');
    expect(text).toContain('edgestock_device_deaths_total 1');
    expect(text).toContain('edgestock_host_offline_disconnects_total 1');
    expect(text).toContain('edgestock_outbox_backlog_rows 40');
    expect(text).toContain('edgestock_primary_host_online 0');
    await app.close();
  });

  it('counts published points once across scrapes', async () => {
    const { app, north } = fixture();
    north.pointsPublished += 5;
    await app.inject({ method: 'GET', url: '/metrics' });
    north.pointsPublished += 2;
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('edgestock_points_published_total 7');
    await app.close();
  });
});
