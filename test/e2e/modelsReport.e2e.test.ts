import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApimart } from '../fakes/fakeApimart.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'sk-live-SECRET-models-report-0123456789';

let apimart: FakeApimart | undefined;
afterEach(async () => {
  await apimart?.stop();
  apimart = undefined;
});

/**
 * `npm run models` as an operator runs it: its own process (tsx, as the script does), nothing in the
 * environment but the provider's variables: no Discord token, no database. Async, so the fake in this
 * process can answer it.
 */
function runModels(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/modelsReport.ts'], {
    cwd: projectRoot, env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_PATH: '/dev/null', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const columnsOf = (stdout: string) => {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('In the catalog, callable'));
  const starts = [0, lines[header]!.indexOf('In the catalog, not callable'), lines[header]!.indexOf('Callable video models')];
  const rows = lines.slice(header + 2, lines.indexOf('', header));
  return starts.map((start, i) => rows.map((r) => r.slice(start, starts[i + 1] ?? undefined).trim()).filter((cell) => cell !== '' && cell !== '-'));
};

describe('npm run models', () => {
  it('prints beside each other the catalog models the key can call, those it cannot, and the video models the catalog lacks', async () => {
    apimart = await FakeApimart.start({ apiKey: KEY });
    apimart.modelList.videoModelIds = ['seedance-2.0', 'seedance-2.0-fast', 'veo3.1-fast', 'seedance-2.5', 'viduq3-pro'];
    const { code, stdout, stderr } = await runModels({ APIMART_API_KEY: KEY, APIMART_BASE_URL: apimart.baseUrl });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [callable, notCallable, notInCatalog] = columnsOf(stdout);
    expect(callable).toEqual(['seedance-2.0', 'seedance-2.0-fast (default)', 'veo3.1-fast']);
    expect(notCallable).toContain('sora-2-preview');
    expect(notCallable).toContain('kling-v3');
    expect(notCallable).not.toContain('veo3.1-fast');
    // Video models only: the image and chat models the key also lists are left out.
    expect(notInCatalog).toEqual(['seedance-2.5', 'viduq3-pro']);
    expect(apimart.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([['GET', '/v1/models', `Bearer ${KEY}`]]);
  });

  it('says when the default model is not callable', async () => {
    apimart = await FakeApimart.start({ apiKey: KEY });
    apimart.modelList.videoModelIds = ['veo3.1-fast'];
    const { code, stdout } = await runModels({ APIMART_API_KEY: KEY, APIMART_BASE_URL: apimart.baseUrl, DEFAULT_MODEL: 'kling-v3' });
    expect(code).toBe(0);
    expect(stdout).toContain('DEFAULT_MODEL kling-v3 is not callable with this key: /video without a model is refused.');
  });

  it.each([
    [401, 'the key was refused (HTTP 401); check APIMART_API_KEY.'],
    [402, "HTTP 402, the key's balance is exhausted; top it up at apimart."],
    [404, 'HTTP 404, no model list there; check APIMART_BASE_URL.'],
    [503, 'HTTP 503 server_error; try again later.'],
  ])('exits 1 with one line when apimart answers %i, never printing the key', async (status, reason) => {
    apimart = await FakeApimart.start({ apiKey: KEY });
    apimart.modelList.always = { status, body: { error: { code: status, message: `refused ${KEY}`, type: status === 503 ? 'server_error' : 'apimart_error' } } };
    const { code, stdout, stderr } = await runModels({ APIMART_API_KEY: KEY, APIMART_BASE_URL: apimart.baseUrl });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`npm run models: could not read the models at ${new URL(apimart.baseUrl).host}: ${reason}\n`);
    expect(stderr).not.toContain(KEY);
  });

  it('exits 1 with one line when apimart cannot be reached', async () => {
    const port = await closedPort();
    const { code, stderr } = await runModels({ APIMART_API_KEY: KEY, APIMART_BASE_URL: `http://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(stderr).toBe(`npm run models: could not read the models at 127.0.0.1:${port}: network error (ECONNREFUSED); check APIMART_BASE_URL and the connection.\n`);
  });

  it('exits 1 naming the variable when the key is missing, without asking anyone', async () => {
    apimart = await FakeApimart.start({ apiKey: KEY });
    const { code, stderr } = await runModels({ APIMART_BASE_URL: apimart.baseUrl });
    expect(code).toBe(1);
    expect(stderr).toContain('APIMART_API_KEY');
    expect(apimart.requests).toEqual([]);
  });
});
