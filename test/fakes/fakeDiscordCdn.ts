import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Discord's signed attachment links (Reference, "Signed Attachment CDN URLs"): `ex` (expiry) and `is`
 * (issue time) are hex Unix seconds, `hm` a signature over the path and both. After `ex`, or with a
 * missing or wrong signature, the CDN answers 404 "This content is no longer available.". Links last
 * about a day; the fake's time is its own, so a test can jump a day ahead without waiting.
 */
export class FakeCdn {
  /** How long a link is valid after it is issued. */
  lifetimeMs = 24 * 3600_000;
  private offsetMs = 0;
  private readonly secret = randomBytes(32);
  private held: Promise<void> | undefined;

  /** Downloads wait (received, unanswered) until the returned function is called. */
  holdDownloads(): () => void {
    let release = () => {};
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  /** Resolves when downloads may be answered. */
  async ready(): Promise<void> {
    await this.held;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the CDN's clock forward (or back): links issued earlier expire as they would by then. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** The link Discord gives for a file at `path` now, with `ex`, `is` and `hm`. */
  sign(origin: string, path: string): string {
    const issuedSec = Math.floor(this.now() / 1000);
    const ex = Math.floor((this.now() + this.lifetimeMs) / 1000).toString(16).padStart(8, '0');
    const is = issuedSec.toString(16).padStart(8, '0');
    return `${origin}${path}?ex=${ex}&is=${is}&hm=${this.mac(path, ex, is)}&`;
  }

  /** Whether the CDN serves this link now. */
  serves(path: string, query: URLSearchParams): boolean {
    const ex = query.get('ex');
    const is = query.get('is');
    const hm = query.get('hm');
    if (!ex || !is || !hm || !/^[0-9a-f]{64}$/.test(hm)) return false;
    const expected = Buffer.from(this.mac(path, ex, is), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(hm, 'hex'))) return false;
    return this.now() < parseInt(ex, 16) * 1000;
  }

  private mac(path: string, ex: string, is: string): string {
    return createHmac('sha256', this.secret).update(`${path}\n${ex}\n${is}`).digest('hex');
  }
}
