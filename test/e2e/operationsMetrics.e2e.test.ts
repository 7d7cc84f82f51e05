import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAndStop, isResultPost, jobRows, startHarness, videoOptions, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
});

const freePort = () => new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});

const healthStatusBecomes = async (port: number, status: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`http://127.0.0.1:${port}/healthz`)).status !== status) {
    if (Date.now() > deadline) throw new Error(`/healthz did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const metricValue = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('health and metrics server', () => {
  it('is off unless METRICS_PORT is set', async () => {
    h = await startHarness();
    expect(h.app.operations.port).toBeUndefined();
  });

  it('reports a delivered job, its provider calls, its acknowledgement and today\'s spend', async () => {
    const port = await freePort();
    h = await startHarness({ env: { METRICS_PORT: String(port) } });
    expect(h.app.operations.port).toBe(port);
    h.discord.sendCommand({ name: 'video', options: videoOptions({ duration: 8 }) });
    await h.discord.waitForRequest(isResultPost, 10_000);
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(metricValue(text, 'videobot_deliveries_total{outcome="delivered"}')).toBe(1);
    expect(metricValue(text, 'videobot_provider_submit_seconds_count{outcome="ok"}')).toBe(1);
    expect(metricValue(text, 'videobot_provider_poll_seconds_count{outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'videobot_interaction_ack_seconds_count')).toBe(1);
    expect(metricValue(text, 'videobot_jobs{state="queued"}')).toBe(0);
    expect(metricValue(text, 'videobot_running_jobs')).toBe(0);
    expect(metricValue(text, 'videobot_provider_available')).toBe(1);
    // 8 s at the default model's placeholder 0.10 USD/s, settled today.
    expect(metricValue(text, 'videobot_spend_today_usd')).toBeCloseTo(0.6848, 6);
    expect(metricValue(text, 'videobot_log_events_total{event="job_submitted",level="info"}')).toBe(1);
    expect(text).not.toContain(h.config.apimartApiKey);
    expect(text).not.toContain(h.config.discordToken);
  });

  it('answers 503 while the gateway is down, serves nothing else, and listens on loopback only', async () => {
    const port = await freePort();
    h = await startHarness({ env: { METRICS_PORT: String(port) } });
    expect(h.app.operations.address).toBe('127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(405);

    h.discord.setGatewayDown(true);
    h.discord.closeGateway(4000);
    await healthStatusBecomes(port, 503, 10_000);
    const down = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await down.text()).toContain('gateway not connected');
    h.discord.setGatewayDown(false);
    await healthStatusBecomes(port, 200, 15_000);
  });
});
