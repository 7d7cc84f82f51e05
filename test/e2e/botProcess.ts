import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The bot as `npm start` runs it (tsx, src/main.ts), as a child process a test can SIGKILL. */
export class BotProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess, private readonly ownGroup = false) {
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `nodeArgs`: flags for node itself, such as the heap flags `npm start` gives. */
  static start(env: Record<string, string>, script = 'src/main.ts', nodeArgs: string[] = []): BotProcess {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_PATH: '/dev/null', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BotProcess(child);
  }

  /**
   * `npm start` in `cwd`, exactly as an operator types it, with only `env` in the environment. It runs in
   * a process group of its own (npm, its shell, tsx and the bot), which `signalGroup` and `kill` reach
   * as a whole, as systemd reaches a service's processes.
   */
  static npmStart(cwd: string, env: Record<string, string>): BotProcess {
    const child = spawn('npm', ['start'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new BotProcess(child, true);
  }

  events(): { event: string; [key: string]: unknown }[] {
    return this.output.flatMap((line) => {
      try {
        return [JSON.parse(line) as { event: string }];
      } catch {
        return [];
      }
    });
  }

  async waitForEvent(event: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.events().some((e) => e.event === event)) {
      if (Date.now() > deadline) throw new Error(`bot never logged ${event}; output:\n${this.output.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The signal to every process of the group (`npmStart`), or to the child alone. */
  signalGroup(signal: NodeJS.Signals): void {
    try {
      if (this.ownGroup && this.child.pid) process.kill(-this.child.pid, signal);
      else this.child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  async kill(): Promise<void> {
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  async exitCode(): Promise<number | null> {
    return this.exited;
  }
}
