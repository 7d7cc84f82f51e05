import type { ModelEntry } from '../modelEntry.ts';

/** Alibaba Wan 2.6. */
export const wanModels: ModelEntry[] = [
  {
    id: 'wan2.6',
    label: 'Wan 2.6',
    duration: { name: 'duration', seconds: [5, 10, 15], default: 5 },
    // The ratio applies to text-to-video only: with an image it is not sent.
    aspectRatio: { name: 'aspect_ratio', values: { landscape: '16:9', portrait: '9:16', square: '1:1' }, default: 'landscape', omitWithImage: true },
    resolution: { name: 'resolution', values: { '720p': '720p', '1080p': '1080p' }, default: '720p' },
    audio: { name: 'audio', default: false },
    image: { name: 'image_urls', maxImages: 1 },
    rules: [],
    price: {
      per: 'second',
      readOn: '2026-12-07',
      // No source gives apimart's price ("per second by resolution, see marketplace"). Alibaba Model
      // Studio's own list price for wan2.6 stands in until the operator reads apimart's.
      placeholder: true,
      source: 'placeholder: no apimart price found (research note, 2026-12-07)',
      rows: [
        { resolution: '720p', usd: 0.1 },
        { resolution: '1080p', usd: 0.15 },
      ],
    },
    source: 'docs.apimart.ai videos/wan2.6/generation (2026-01-09)',
  },
];
