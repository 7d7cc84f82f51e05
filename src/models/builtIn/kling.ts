import type { ModelEntry } from '../modelEntry.ts';

const klingRatio = { name: 'aspect_ratio', values: { landscape: '16:9', portrait: '9:16', square: '1:1' }, default: 'landscape' } as const;
// Kling calls the resolution `mode`: std is 720p, pro is 1080p.
const klingMode = { name: 'mode', values: { '720p': 'std', '1080p': 'pro' }, default: '720p' } as const;

/** Kuaishou Kling: v3 (3–15 s) and v2.6 (5 or 10 s, sound only in pro mode). */
export const klingModels: ModelEntry[] = [
  {
    id: 'kling-v3',
    label: 'Kling v3',
    // Two versions of docs.apimart.ai …/kling-v3/generation disagree: the older says 5, 10 or 15 s
    // (15 text-only), the newer and apimart's API index say 3 to 15 s and add a 4k mode. The newer is
    // encoded. 4k is left out: no source prices it with sound.
    duration: { name: 'duration', min: 3, max: 15, default: 5 },
    aspectRatio: klingRatio,
    resolution: klingMode,
    audio: { name: 'audio', default: false },
    // One image is the first frame, two are first and last.
    image: { name: 'image_urls', maxImages: 2 },
    rules: [{ when: { image: [true] }, allow: { durationSec: { max: 10 } }, source: 'docs.apimart.ai kling-v3 (older version) and toapis.com: image-to-video up to 10 s' }],
    price: {
      per: 'second',
      readOn: '2026-09-21',
      // apimart's list of 2026-10-03 says $0.0638/s for std; the pricing page (two extractions) says
      // $0.0672. The higher is kept, so a reservation never falls short of the charge.
      source: 'apimart pricing page extracted 2026-09-21 (apimart-sc/kling-3-api-cn data/model.json): std $0.0672, pro $0.0896, std with sound $0.1008; pro with sound $0.1344 from Henji-AI (2026-08-21)',
      rows: [
        { resolution: '720p', audio: false, usd: 0.0672 },
        { resolution: '1080p', audio: false, usd: 0.0896 },
        { resolution: '720p', audio: true, usd: 0.1008 },
        { resolution: '1080p', audio: true, usd: 0.1344 },
      ],
    },
    source: 'docs.apimart.ai videos/kling-v3/generation (newer crawl); apimart API index',
  },
  {
    id: 'kling-v2-6',
    label: 'Kling v2.6',
    duration: { name: 'duration', seconds: [5, 10], default: 5 },
    aspectRatio: klingRatio,
    resolution: klingMode,
    audio: { name: 'audio', default: false },
    image: { name: 'image_urls', maxImages: 2 },
    rules: [{ when: { audio: [true] }, allow: { resolution: ['1080p'] }, source: 'docs.apimart.ai kling-v2-6 (2026-02-12): std is silent only' }],
    price: {
      per: 'second',
      readOn: '2026-10-03',
      source: 'apimart price list of 2026-10-03 ([ESC]): std $0.035/s; pro has no apimart price (guessed at Kling\'s own 2× for pro and 2× again for sound)',
      rows: [
        { resolution: '720p', usd: 0.035 },
        { resolution: '1080p', audio: false, usd: 0.07, placeholder: true },
        { resolution: '1080p', audio: true, usd: 0.14, placeholder: true },
      ],
    },
    source: 'docs.apimart.ai videos/kling-v2-6/generation (2026-02-12)',
  },
];
