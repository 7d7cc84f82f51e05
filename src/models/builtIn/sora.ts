import type { ModelEntry } from '../modelEntry.ts';

const soraShape = {
  duration: { name: 'duration', seconds: [4, 8, 12], default: 4 },
  aspectRatio: { name: 'aspect_ratio', values: { landscape: 'landscape', portrait: 'portrait' }, default: 'landscape' },
  image: { name: 'image_urls', maxImages: 1 },
  rules: [],
} as const;

/**
 * OpenAI shut Sora 2 down on 2026-09-24 and apimart's index no longer lists it; the entries stay for
 * keys that still serve it (the availability check hides them elsewhere). Their prices were always
 * placeholders.
 */
export const soraModels: ModelEntry[] = [
  {
    id: 'sora-2-preview',
    label: 'Sora 2',
    ...soraShape,
    price: { per: 'second', readOn: '2025-10-15', placeholder: true, source: 'placeholder from the bot\'s first catalog', rows: [{ usd: 0.1 }] },
  },
  {
    id: 'sora-2-pro-preview',
    label: 'Sora 2 Pro',
    ...soraShape,
    resolution: { name: 'resolution', values: { standard: 'standard', high: 'high' }, default: 'standard' },
    price: {
      per: 'second', readOn: '2025-10-15', placeholder: true, source: 'placeholder from the bot\'s first catalog',
      rows: [{ resolution: 'standard', usd: 0.3 }, { resolution: 'high', usd: 0.5 }],
    },
  },
];
