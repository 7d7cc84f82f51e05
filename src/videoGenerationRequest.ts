/** The body of apimart's POST /v1/videos/generations, as the bot stores and sends it. */
export interface VideoGenerationRequest {
  model: string;
  prompt: string;
  duration: number;
  aspect_ratio: 'landscape' | 'portrait';
  resolution?: 'standard' | 'high';
  image_urls?: string[];
}
