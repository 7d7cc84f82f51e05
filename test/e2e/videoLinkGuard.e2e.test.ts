import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeTaskPlan } from '../fakes/fakeApimart.ts';
import { checkAndStop, isResultPost, jobRows, ledgerRows, startHarness, videoOptions, type Harness } from './harness.ts';
import { channelPosts, contentOf, logEvents, videoDownloads } from './requestViews.ts';
import { runAdmin } from './spendHelpers.ts';

let h: Harness | undefined;
let other: { server: Server; port: number; connections: number; requests: string[] } | undefined;
afterEach(async () => {
  await checkAndStop(h);
  h = undefined;
  other?.server.closeAllConnections();
  await new Promise((resolve) => other?.server.close(resolve) ?? resolve(undefined));
  other = undefined;
});

/** Another service on this machine (an "internal address"), which must never be fetched. */
async function startOtherService(): Promise<NonNullable<typeof other>> {
  const server = createServer((req, res) => {
    state.requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'video/mp4' }).end('internal secret');
  });
  const state = { server, port: 0, connections: 0, requests: [] as string[] };
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/** Runs one job whose result names a link the bot must refuse, and checks the refusal end to end. */
async function expectRefused(plan: (o: NonNullable<typeof other>, apimartBase: string) => FakeTaskPlan, reason: string): Promise<void> {
  other = await startOtherService();
  h = await startHarness();
  h.apimart.setTaskPlan('next', { cost: 0.3, ...plan(other, h.apimart.baseUrl) });
  h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
  await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'expired', 10_000);
  await h.discord.waitFor(() => channelPosts(h!).some((r) => contentOf(r).includes('unusable link')), 10_000);

  expect(other.connections).toBe(0);
  expect(other.requests).toEqual([]);
  expect(jobRows(h.db)[0]).toMatchObject({ status: 'expired', failure_code: 'unusable_link', cost_micros: 300_000 });
  expect(ledgerRows(h.db).map((r) => r.kind)).toEqual(['reserve', 'settle']);
  expect(h.discord.requests.filter(isResultPost)).toEqual([]);
  // The link itself is never posted anywhere.
  const link = `127.0.0.1:${other.port}`;
  expect(h.discord.requests.some((r) => JSON.stringify(r.body ?? '').includes(link))).toBe(false);
  expect(logEvents(h, 'job_video_link_refused')[0]).toContain(reason);
  expect(logEvents(h, 'job_delivery_failed')).toEqual([]);

  const report = await runAdmin(h, 'report', [{ name: 'period', type: 3, value: 'today' }]);
  expect(report.content).toMatch(/`#1`.*unusable video link/);
}

describe('video links the provider could not legitimately serve', () => {
  it('refuses a plain-http link to another host, never fetching it, and ends the job settled with a notice and a report entry', async () => {
    await expectRefused((o) => ({ videoUrl: `http://127.0.0.1:${o.port}/internal/video.mp4` }), 'not https');
  });

  it('refuses an https link whose host resolves to a loopback address', async () => {
    await expectRefused((o) => ({ videoUrl: `https://localhost:${o.port}/video.mp4` }), 'non-public address');
  });

  it('refuses a redirect from the provider to an internal address without following it', async () => {
    await expectRefused((o) => ({ fileRedirectTo: `http://127.0.0.1:${o.port}/internal/video.mp4` }), 'not https');
    expect(videoDownloads(h!)).toHaveLength(1);
  });

  it('refuses an answer that is not a video (an HTML page) from the provider itself', async () => {
    await expectRefused(() => ({ fileContentType: 'text/html; charset=utf-8' }), 'answer is not a video');
  });

  it('still delivers a video from the provider origin, following a redirect that stays there', async () => {
    h = await startHarness();
    h.apimart.setTaskPlan('next', { outcome: 'never' });
    h.discord.sendCommand({ name: 'video', options: videoOptions({}) });
    await h.discord.waitFor(() => h!.apimart.tasks.size === 1, 10_000);
    const [taskId] = [...h.apimart.tasks.keys()];
    h.apimart.completeTask(taskId!, { fileRedirectTo: `/files/${taskId}.mp4` });
    await h.discord.waitFor(() => jobRows(h!.db)[0]?.status === 'delivered', 10_000);
    expect(videoDownloads(h).map((r) => r.status)).toEqual([302, 200]);
    expect(h.discord.requests.filter(isResultPost)).toHaveLength(1);
  });
});
