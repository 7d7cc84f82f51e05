import type { ModelEntry } from '../modelEntry.ts';

const size = { name: 'size', values: { landscape: '16:9', portrait: '9:16', square: '1:1' }, default: 'landscape' } as const;

// Ids: the current page (docs.apimart.ai …/videos/seedance-2-0/generation, cited by Henji-AI on
// 2026-08-30 and linked from apimart's API index) names `seedance-2.0`, `-fast`; an older page named
// `doubao-seedance-2.0`. A third party's live GET /v1/models listed `seedance-2.0`. Durations: that
// page says 4–15 s (the older one 5–15) and 720p by default (the older one 480p).
const seedance2Source = 'docs.apimart.ai videos/seedance-2-0/generation via Henji-AI Seedance-2.0(-Fast)_APIMart.md, 2026-08-30';

/** ByteDance Seedance: 2.0 and 2.0 Fast (ratio in `size`, sound on by default), 1.5 Pro. */
export const seedanceModels: ModelEntry[] = [
  {
    id: 'seedance-2.0',
    label: 'Seedance 2.0',
    duration: { name: 'duration', min: 4, max: 15, default: 5 },
    aspectRatio: size,
    resolution: { name: 'resolution', values: { '480p': '480p', '720p': '720p', '1080p': '1080p', '4k': '4k' }, default: '720p' },
    audio: { name: 'generate_audio', default: true },
    image: { name: 'image_urls', maxImages: 9 },
    rules: [],
    price: {
      per: 'second',
      readOn: '2026-08-30',
      // Sound is included in the per-second price.
      source: 'apimart pricing centre via Henji-AI Seedance-2.0_APIMart.md (2026-08-30)',
      rows: [
        { resolution: '480p', usd: 0.066 },
        { resolution: '720p', usd: 0.142 },
        { resolution: '1080p', usd: 0.3544 },
        { resolution: '4k', usd: 0.722 },
      ],
    },
    source: seedance2Source,
  },
  {
    id: 'seedance-2.0-fast',
    label: 'Seedance 2.0 Fast',
    duration: { name: 'duration', min: 4, max: 15, default: 5 },
    aspectRatio: size,
    // 1080p and 4k exist only on the standard model.
    resolution: { name: 'resolution', values: { '480p': '480p', '720p': '720p' }, default: '720p' },
    audio: { name: 'generate_audio', default: true },
    image: { name: 'image_urls', maxImages: 9 },
    rules: [],
    price: {
      per: 'second',
      readOn: '2026-09-27',
      source: 'apimart pricing centre via Henji-AI (2026-08-30); the same $0.0856/s at 720p in a paid comparison on 2026-09-27 ([ESC])',
      rows: [
        { resolution: '480p', usd: 0.03984 },
        { resolution: '720p', usd: 0.0856 },
      ],
    },
    source: seedance2Source,
  },
  {
    // The docs page says `doubao-seedance-1-5-pro`; a third party's live model list and apimart's
    // price list of 2026-10-03 say `seedance-1-5-pro`, the naming 2.0 moved to. Availability (GET
    // /v1/models) decides whether the key can call it.
    id: 'seedance-1-5-pro',
    label: 'Seedance 1.5 Pro',
    duration: { name: 'duration', min: 4, max: 12, default: 5 },
    aspectRatio: { name: 'aspect_ratio', values: { landscape: '16:9', portrait: '9:16', square: '1:1' }, default: 'landscape' },
    // 480p and 1080p exist, but no source prices them on apimart.
    resolution: { name: 'resolution', values: { '720p': '720p' }, default: '720p' },
    audio: { name: 'audio', default: false },
    // One image is the first frame (two would be first and last).
    image: { name: 'image_urls', maxImages: 2 },
    rules: [],
    price: {
      per: 'second',
      readOn: '2026-10-03',
      // The list does not say whether $0.0418 includes sound. ByteDance's own token price doubles with
      // sound, so sound is priced at twice that, as a placeholder.
      source: 'apimart price list of 2026-10-03 ([ESC]), 720p',
      rows: [
        { audio: true, usd: 0.0836, placeholder: true },
        { usd: 0.0418 },
      ],
    },
    source: 'docs.apimart.ai videos/doubao-seedance-1-5-pro/generation (2026-02-12)',
  },
];
