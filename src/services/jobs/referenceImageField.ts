import type { VideoGenerationRequest } from '../../videoGenerationRequest.ts';

/** The request with its reference image at `url` instead, in the field the request already carries it in. */
export function withReferenceImageUrl(request: VideoGenerationRequest, url: string): VideoGenerationRequest {
  if (!request.image_urls?.length) return request;
  return { ...request, image_urls: [url, ...request.image_urls.slice(1)] };
}
