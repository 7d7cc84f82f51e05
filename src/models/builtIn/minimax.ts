import type { ModelEntry } from '../modelEntry.ts';

/** MiniMax: Hailuo 2.3 (no ratio field: the image decides) and H3 (upper-case resolutions). */
export const minimaxModels: ModelEntry[] = [
  {
    id: 'MiniMax-Hailuo-2.3',
    label: 'MiniMax Hailuo 2.3',
    duration: { name: 'duration', seconds: [6, 10], default: 6 },
    resolution: { name: 'resolution', values: { '768p': '768p', '1080p': '1080p' }, default: '768p' },
    image: { name: 'first_frame_image' },
    rules: [{ when: { resolution: ['1080p'] }, allow: { durationSec: [6] }, source: 'docs.apimart.ai minimax-hailuo-2.3: 1080p supports only 6 seconds' }],
    price: {
      per: 'second',
      readOn: '2026-09-27',
      source: 'paid comparison 2026-09-27 ([ESC]): $0.29 for 6 s at 768p ($0.0488/s); 1080p unpriced on apimart, guessed from MiniMax\'s own 768p:1080p ratio',
      rows: [
        { resolution: '768p', usd: 0.0488 },
        { resolution: '1080p', usd: 0.085, placeholder: true },
      ],
    },
    source: 'docs.apimart.ai videos/minimax-hailuo-2.3/generation (2026-02-12)',
  },
  {
    id: 'MiniMax-H3',
    label: 'MiniMax H3',
    duration: { name: 'duration', min: 4, max: 15, default: 5 },
    // Ignored for image-to-video, so not sent with an image. Sound is always on (no switch).
    aspectRatio: { name: 'aspect_ratio', values: { landscape: '16:9', portrait: '9:16', square: '1:1' }, default: 'landscape', omitWithImage: true },
    resolution: { name: 'resolution', values: { '768p': '768P', '2k': '2K' }, default: '768p' },
    image: { name: 'first_frame_image' },
    rules: [],
    price: {
      per: 'second',
      readOn: '2026-08-30',
      source: 'apimart pricing centre via Henji-AI MiniMax-H3_APIMart.md (2026-08-30)',
      rows: [
        { resolution: '768p', usd: 0.05712 },
        { resolution: '2k', usd: 0.09144 },
      ],
    },
    source: 'docs.apimart.ai videos/minimax-h3/generation via Henji-AI (2026-08-30)',
  },
];
