import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const unit = readFileSync(new URL('../../deploy/video-bot.service', import.meta.url), 'utf8');
const settings = new Map(unit.split('\n').filter((line) => /^\w+=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));

describe('deploy/video-bot.service', () => {
  it('runs npm start in the install directory as an unprivileged user, and restarts it on failure', () => {
    expect(settings.get('ExecStart')).toMatch(/\/npm start$/);
    expect(settings.get('WorkingDirectory')).toBeTruthy();
    expect(settings.get('User')).not.toMatch(/^(root|0)$/);
    expect(settings.get('Restart')).toBe('on-failure');
  });

  it('stops every process of the service with SIGTERM, giving the bot\'s 5 s grace for steps in flight room to finish', () => {
    // readmeFirstRun.e2e sends SIGTERM to npm, its shell, tsx and the bot at once, as control-group does.
    expect(settings.get('KillMode')).toBe('control-group');
    expect(settings.get('KillSignal')).toBe('SIGTERM');
    expect(Number(settings.get('TimeoutStopSec'))).toBeGreaterThanOrEqual(15);
  });

  it('does not restart a bot that refused its settings (readmeFirstRun.e2e sees such a bot exit 78)', () => {
    expect(settings.get('RestartPreventExitStatus')).toBe('78');
  });

  it('lets the bot write only its data directory', () => {
    expect(settings.get('ProtectSystem')).toBe('strict');
    expect(settings.get('ReadWritePaths')).toBe(`${settings.get('WorkingDirectory')}/data`);
  });
});
