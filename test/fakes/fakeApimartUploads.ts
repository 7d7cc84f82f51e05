import { randomBytes } from 'node:crypto';

/** apimart's `POST /v1/uploads/images`: multipart field `file`, JPEG/PNG/WebP/GIF up to 20 MB, a URL valid 72 h. */

export interface FakeUpload {
  id: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  url: string;
  createdAtMs: number;
}

export type UploadAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

export const UPLOAD_PATH = '/v1/uploads/images';
const UPLOADED_FILE = /^\/f\/image\/([0-9a-f]+)-[^/]+$/;
const maxUploadBytes = 20 * 1024 * 1024;
const uploadTtlMs = 72 * 3600_000;

const apiError = (code: number, message: string) => ({ error: { code, message, type: 'invalid_request_error' } });

function sniff(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  return undefined;
}

export class FakeUploads {
  readonly uploads: FakeUpload[] = [];
  /** Uploaded URLs fetched (by the provider's own model workers, or a test). */
  readonly downloads: string[] = [];
  /** Answers given to the next uploads instead of storing the file, in order. */
  private readonly script: UploadAnswer[] = [];
  /** The fake's time, for the 72 h life of an upload; tests may move it. */
  now: () => number = Date.now;

  constructor(private readonly baseUrl: string) {}

  scriptAnswer(...answers: UploadAnswer[]): void {
    this.script.push(...answers);
  }

  /** The upload whose URL the provider was given, to compare its bytes with what the member attached. */
  byUrl(url: unknown): FakeUpload | undefined {
    return this.uploads.find((u) => u.url === url);
  }

  async receive(contentType: string | undefined, raw: Buffer): Promise<UploadAnswer> {
    const scripted = this.script.shift();
    if (scripted) return scripted;
    if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return { status: 400, body: apiError(400, 'Missing file field') };
    let form: FormData;
    try {
      form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
    } catch {
      return { status: 400, body: apiError(400, 'Missing file field') };
    }
    const file = form.get('file');
    if (!(file instanceof Blob)) return { status: 400, body: apiError(400, 'Missing file field') };
    if (file.size > maxUploadBytes) return { status: 413, body: apiError(413, 'File too large') };
    const bytes = Buffer.from(await file.arrayBuffer());
    const sniffed = sniff(bytes);
    if (!sniffed) return { status: 400, body: apiError(400, 'Unsupported format') };
    const id = randomBytes(8).toString('hex');
    const filename = (file as File).name || 'image';
    const url = `${this.baseUrl}/f/image/${id}-${encodeURIComponent(filename)}`;
    const createdAtMs = this.now();
    this.uploads.push({ id, filename, contentType: sniffed, bytes, url, createdAtMs });
    return {
      status: 200,
      body: { url, filename, content_type: sniffed, bytes: bytes.length, created_at: Math.floor(createdAtMs / 1000) },
    };
  }

  /** Serves an uploaded file to anyone (the URL is public) until 72 h after its upload. */
  serve(path: string): { status: number; bytes?: Buffer; contentType?: string } | undefined {
    const match = UPLOADED_FILE.exec(path);
    if (!match) return undefined;
    this.downloads.push(path);
    const upload = this.uploads.find((u) => u.id === match[1]);
    if (!upload || this.now() > upload.createdAtMs + uploadTtlMs) return { status: 404 };
    return { status: 200, bytes: upload.bytes, contentType: upload.contentType };
  }
}
