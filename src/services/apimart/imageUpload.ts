import { z } from 'zod';

/** apimart keeps an uploaded image this long ([P-UPLOAD]: "valid for 72 hours"). */
export const uploadedImageLifetimeMs = 72 * 3600_000;

/** `{ url, filename, content_type, bytes, created_at }`; only the public link matters to the bot. */
export const imageUploadSchema = z.looseObject({
  url: z.string().max(2000).regex(/^https?:\/\//i, 'must be an http(s) link'),
});
