import { imageFieldNames, type VideoGenerationRequest } from '../videoGenerationRequest.ts';
import { imageFieldValue } from './providerRequest.ts';

/**
 * The request with its reference image at another link (apimart's upload of the kept bytes), in the field
 * the mapper put it in: `image_urls: [url]`, or `first_frame_image: url` for a model that takes one image.
 */
export function withReferenceImageUrl(request: VideoGenerationRequest, url: string): VideoGenerationRequest {
  const field = imageFieldNames.find((name) => request[name] !== undefined);
  return field === undefined ? request : { ...request, [field]: imageFieldValue(field, url) };
}
