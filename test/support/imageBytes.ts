import { randomBytes } from 'node:crypto';

const pngSignature = Buffer.from('89504e470d0a1a0a', 'hex');

/** Bytes that sniff as a PNG (the signature, then random bytes): unique per call, so a test can tell copies apart. */
export function pngBytes(sizeBytes = 256): Buffer {
  return Buffer.concat([pngSignature, randomBytes(Math.max(0, sizeBytes - pngSignature.length))]);
}
