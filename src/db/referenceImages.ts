/** Kept bytes are stored in parts of this size, each written on its own, so no single write is long. */
export const referenceImagePartBytes = 256 * 1024;

export type KeptImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** What is known of a job's kept reference image; its bytes are read apart (referenceImageBytes). */
export interface KeptImage {
  sha256: string;
  contentType: KeptImageType;
  sizeBytes: number;
  /** The provider's copy (`POST /v1/uploads/images`) and when it stops being served; null when none is known. */
  uploadUrl: string | null;
  uploadExpiresAt: number | null;
}

/**
 * The bytes of jobs' reference images, kept because Discord's links to them expire: by content (SHA-256),
 * each job linked to its image, re-rolls sharing their parent's. An engine may write large images in parts
 * (SQLite does, so no single transaction holds the event loop for long).
 */
export interface ReferenceImageStore {
  /**
   * Keeps the bytes (unless the same content is already kept) and links them to the job. 'erased': the
   * job was erased meanwhile and nothing is kept; 'incomplete': its parts were swept while being written.
   */
  keepReferenceImage(jobId: number, image: { sha256: string; contentType: KeptImageType; bytes: Buffer }, now: number): Promise<'kept' | 'erased' | 'incomplete'>;
  referenceImageOf(jobId: number): Promise<KeptImage | undefined>;
  /** The kept bytes; undefined when they are gone or no longer match their hash. */
  referenceImageBytes(image: Pick<KeptImage, 'sha256' | 'sizeBytes'>): Promise<Buffer | undefined>;
  rememberReferenceImageUpload(sha256: string, url: string, expiresAt: number): Promise<void>;
}
