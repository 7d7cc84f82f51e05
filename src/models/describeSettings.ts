import type { ModelMessages } from '../i18n/modelMessages.ts';
import type { VideoSettings } from '../videoGenerationRequest.ts';

/** A job's settings as members read them, in their language; `null` where the model has no such setting. */
export interface SettingsText {
  model: string;
  duration: string;
  orientation: string;
  resolution: string | null;
  sound: string | null;
}

/** The one description of what a job asked for: cards, result posts, status text and `/videos` use it. */
export function describeSettings(s: VideoSettings, m: ModelMessages): SettingsText {
  return {
    model: s.modelLabel,
    duration: m.seconds(s.durationSec),
    orientation: m.aspect(s.aspectRatio),
    resolution: s.resolution === null ? null : m.resolution(s.resolution),
    sound: s.audio === null ? null : m.sound(s.audio),
  };
}

/** `Seedance 2.0 Fast · 5 s · portrait · 720p · with sound`. */
export function settingsSummary(s: VideoSettings, m: ModelMessages): string {
  const t = describeSettings(s, m);
  return [t.model, t.duration, t.orientation, t.resolution, t.sound].filter((part) => part !== null).join(' · ');
}
