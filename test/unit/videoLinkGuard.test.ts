import { describe, expect, it } from 'vitest';
import { createGuardedVideoFetch, isPublicAddress } from '../../src/services/jobs/videoLinkGuard.ts';
import { VideoLinkRefusedError } from '../../src/services/jobs/videoDownload.ts';

describe('video link guard', () => {
  it('tells public addresses from loopback, private, link-local, unique-local, multicast and mapped ones', () => {
    for (const ip of ['8.8.8.8', '151.101.1.1', '2606:4700::6810:85e5']) expect(isPublicAddress(ip), ip).toBe(true);
    for (const ip of [
      '127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '0.0.0.0', '224.0.0.251', '239.255.255.250', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1',
      'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip',
    ]) expect(isPublicAddress(ip), ip).toBe(false);
  });

  it('refuses a name when any of its DNS answers is private (one public answer does not make it safe)', async () => {
    const fetchVideo = createGuardedVideoFetch({
      trustedOrigin: 'https://api.apimart.ai',
      lookup: async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }],
    });
    await expect(fetchVideo('https://cdn.example.test/v.mp4')).rejects.toThrow(VideoLinkRefusedError);
  });

  it('refuses http anywhere but the provider origin, and links with credentials', async () => {
    const lookups: string[] = [];
    const fetchVideo = createGuardedVideoFetch({
      trustedOrigin: 'https://api.apimart.ai',
      lookup: async (host) => (lookups.push(host), [{ address: '93.184.216.34', family: 4 }]),
    });
    await expect(fetchVideo('http://cdn.example.test/v.mp4')).rejects.toThrow(/not https/);
    await expect(fetchVideo('https://user:pw@cdn.example.test/v.mp4')).rejects.toThrow(/credentials/);
    await expect(fetchVideo('https://[::1]:8443/v.mp4')).rejects.toThrow(/non-public/);
    expect(lookups).toEqual([]);
  });
});
