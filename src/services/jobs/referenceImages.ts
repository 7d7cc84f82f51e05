import type { Clock } from '../../clock.ts';
import type { Job } from '../../db/job.ts';
import type { JobStore } from '../../db/jobStore.ts';
import type { Logger } from '../../logger.ts';
import type { ApimartClient } from '../apimart/client.ts';
import { ApimartHttpError } from '../apimart/errors.ts';
import { effectiveStatus, isProviderUnavailable } from '../apimart/errorVerdicts.ts';
import { uploadedImageLifetimeMs } from '../apimart/imageUpload.ts';
import { createConcurrencyLimit } from './concurrencyLimit.ts';
import { discordLinkExpiresAt, downloadReferenceImage, type ImageDownload } from './referenceImage.ts';

/** `/video`'s limit, so the kept copy is the attachment the member was allowed to give. */
export const maxReferenceImageBytes = 10 * 1024 * 1024;
/** A 10 MB attachment over a slow link, with room to spare; the download never runs on the 3-second path. */
const downloadTimeoutMs = 30_000;
/**
 * A link sent to the provider must outlive the provider's own queue: it fetches the image when the task
 * starts, minutes (rarely an hour) after the submit.
 */
export const linkMarginMs = 60 * 60_000;
/**
 * Images downloaded (or uploaded) at once: each holds up to 10 MB in memory, so a burst of a hundred image
 * jobs costs 40 MB at a time, not a gigabyte. The rest wait their turn, in order.
 */
const maxImageTransfersAtOnce = 4;

/** The image to send with a job, or why it cannot be sent now. */
export type SubmitImage =
  | { kind: 'none' }
  | { kind: 'send'; url: string; via: 'discord' | 'upload' }
  /** No usable image, now or later: the job fails as image_unreadable. */
  | { kind: 'unreadable'; reason: string }
  /** A passing failure (the provider's upload answered 429 or 5xx, the CDN timed out): try the job again later. */
  | { kind: 'later'; err: unknown }
  /** The upload was refused for the account (401/402/403), as a submit would have been. */
  | { kind: 'provider_unavailable'; err: ApimartHttpError };

export interface ReferenceImagesDeps {
  store: JobStore;
  apimart: Pick<ApimartClient, 'uploadImage'>;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  /** Discord's CDN (and DISCORD_API_URL's origin): the only places a reference image is fetched from. */
  allowedOrigins: readonly string[];
}

/** Whether Discord will still serve the link when the provider reads it. */
export function discordLinkFresh(url: string | undefined, now: number): boolean {
  const expiresAt = url === undefined ? null : discordLinkExpiresAt(url);
  return expiresAt !== null && expiresAt - now > linkMarginMs;
}

/** The Discord link a job's reference image came from, if it has one. */
export const referenceImageUrl = (job: Pick<Job, 'settings'>): string | undefined => job.settings.imageUrl ?? undefined;

/**
 * Keeps each job's reference image and decides which link to send for it. Discord's link is sent while
 * it is fresh (the first submit, within a day); after that the kept bytes go to apimart's upload
 * endpoint and its 72-hour link is sent instead, so a re-roll never depends on Discord's expiry.
 */
export function createReferenceImages(deps: ReferenceImagesDeps) {
  const { store, clock, logger } = deps;
  const keeping = new Map<number, Promise<ImageDownload['kind'] | 'kept'>>();
  const transferSlot = createConcurrencyLimit(maxImageTransfersAtOnce);

  async function download(job: Job, url: string): Promise<ImageDownload['kind'] | 'kept'> {
    const result = await downloadReferenceImage(url, deps.fetch, {
      allowedOrigins: deps.allowedOrigins, timeoutMs: downloadTimeoutMs, maxBytes: maxReferenceImageBytes,
    });
    const log = logger.child({ jobId: job.id, userId: job.userId });
    if (result.kind !== 'image') {
      log.warn('reference_image_not_kept', { outcome: result.kind, ...(result.kind === 'unknown' ? { reason: result.reason } : {}) });
      return result.kind;
    }
    const kept = await store.keepReferenceImage(job.id, { sha256: result.sha256, contentType: result.contentType, bytes: result.bytes }, clock.now());
    if (kept !== 'kept') {
      log.warn('reference_image_not_kept', { outcome: kept });
      // Erased meanwhile: nothing of it is kept or sent. Incomplete: a sweep took its parts; try again later.
      return kept === 'erased' ? 'gone' : 'unknown';
    }
    log.info('reference_image_kept', { bytes: result.bytes.length, contentType: result.contentType });
    return 'kept';
  }

  /** Downloads and keeps the job's image once (concurrent callers share the download); 'kept' when it has its bytes. */
  function keep(job: Job): Promise<ImageDownload['kind'] | 'kept' | 'none'> {
    const url = referenceImageUrl(job);
    if (!url) return Promise.resolve('none');
    if (job.imageSha256) return Promise.resolve('kept');
    const running = keeping.get(job.id);
    if (running) return running;
    const started = transferSlot(() => download(job, url)).finally(() => keeping.delete(job.id));
    keeping.set(job.id, started);
    return started;
  }

  const freshFor = (expiresAt: number | null | undefined) => expiresAt != null && expiresAt - clock.now() > linkMarginMs;

  async function uploaded(job: Job): Promise<SubmitImage> {
    const image = await store.referenceImageOf(job.id);
    if (!image) return { kind: 'unreadable', reason: 'kept image missing' };
    if (image.uploadUrl && freshFor(image.uploadExpiresAt)) return { kind: 'send', url: image.uploadUrl, via: 'upload' };
    try {
      return await transferSlot(async (): Promise<SubmitImage> => {
        const bytes = await store.referenceImageBytes(image);
        if (!bytes) return { kind: 'unreadable', reason: 'kept image damaged' };
        const uploadedAt = clock.now();
        const extension = image.contentType.slice('image/'.length);
        const { url } = await deps.apimart.uploadImage({ bytes, filename: `reference-${job.id}.${extension}`, contentType: image.contentType });
        await store.rememberReferenceImageUpload(image.sha256, url, uploadedAt + uploadedImageLifetimeMs);
        logger.info('reference_image_uploaded', { jobId: job.id, bytes: bytes.length });
        return { kind: 'send', url, via: 'upload' };
      });
    } catch (err) {
      if (isProviderUnavailable(err)) return { kind: 'provider_unavailable', err: err as ApimartHttpError };
      // The provider refuses these bytes themselves (format, size): sending them again changes nothing.
      if (err instanceof ApimartHttpError && [400, 413, 415, 422].includes(effectiveStatus(err))) {
        return { kind: 'unreadable', reason: `upload refused (HTTP ${effectiveStatus(err)})` };
      }
      return { kind: 'later', err };
    }
  }

  return {
    keep,

    /** The link to send for the job's reference image; may download it (if not yet kept) or upload it. */
    async forSubmit(job: Job): Promise<SubmitImage> {
      const discordUrl = referenceImageUrl(job);
      if (!discordUrl) return { kind: 'none' };
      const discordFresh = discordLinkFresh(discordUrl, clock.now());
      const kept = await keep(job);
      if (kept === 'kept') return discordFresh ? { kind: 'send', url: discordUrl, via: 'discord' } : uploaded(job);
      // Nothing known about the image yet, but Discord still serves it: the provider may read it itself, as before.
      if (kept === 'unknown') return discordFresh ? { kind: 'send', url: discordUrl, via: 'discord' } : { kind: 'later', err: new Error('reference image download failed') };
      return { kind: 'unreadable', reason: kept };
    },
  };
}

export type ReferenceImages = ReturnType<typeof createReferenceImages>;
