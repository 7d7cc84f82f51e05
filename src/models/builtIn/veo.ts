import type { ModelEntry } from '../modelEntry.ts';

/** Google Veo 3.1 through apimart's channel model (`veo3.1-fast`, priced per 8-second clip). */
export const veoModels: ModelEntry[] = [
  {
    id: 'veo3.1-fast',
    label: 'Veo 3.1 Fast',
    duration: { name: 'duration', seconds: [8], default: 8 },
    aspectRatio: { name: 'aspect_ratio', values: { landscape: '16:9', portrait: '9:16' }, default: 'landscape' },
    resolution: { name: 'resolution', values: { '720p': '720p', '1080p': '1080p' }, default: '720p' },
    // Up to 3 images (reference or frame); one image acts as a reference, not as the first frame.
    image: { name: 'image_urls', maxImages: 3 },
    rules: [],
    price: {
      per: 'clip',
      readOn: '2026-09-27',
      // A paid test was charged $0.14 for an 8 s 720p clip, and the same comparison lists 720p/1080p
      // at $0.14; apimart's list of 2026-10-03 says $0.133 for `veo3.1-fast-ext`. The charged amount is
      // kept: a reservation must not fall short of the charge. 4k has no price in any source: not offered.
      source: 'Escenara APIMart/KIE comparison, paid test 2026-09-27 (research note [ESC])',
      rows: [{ usd: 0.14 }],
    },
    source: 'docs.apimart.ai videos/veo3/generation (2026-01-16); [ESC] paid test 2026-09-27: 8.0 s, 720x1280, with AAC audio',
  },
];
