import type { Condition } from '../models/modelEntry.ts';
import type { DurationOffer } from '../models/checkSettings.ts';
import type { ModelMessages } from './modelMessages.ts';
import { oneOf } from './plural.ts';

const englishAnd = new Intl.ListFormat('en', { type: 'conjunction' });

function durationOffer(offer: DurationOffer): string {
  return 'seconds' in offer ? `${oneOf(offer.seconds)} s` : `${offer.min}–${offer.max} s`;
}

/** "8-second", "6- or 10-second", "videos of 4 to 15 seconds". */
function videoLengths(offer: DurationOffer): string {
  if (!('seconds' in offer)) return `videos of ${offer.min} to ${offer.max} seconds`;
  const [last, ...before] = [...offer.seconds].reverse();
  return `${before.length > 0 ? `${oneOf([...before.reverse().map((s) => `${s}-`), `${last}-second`])}` : `${last}-second`} videos`;
}

const aspect = (word: string) => word;
const sound = (on: boolean) => (on ? 'sound' : 'no sound');

function condition(c: Condition): string {
  const parts: string[] = [];
  const d = c.durationSec;
  if (Array.isArray(d)) parts.push(`${oneOf(d as number[])} s`);
  else if (d) {
    const { min, max } = d as { min?: number; max?: number };
    parts.push(min !== undefined && max !== undefined ? `${min}–${max} s` : min !== undefined ? `at least ${min} s` : `at most ${max} s`);
  }
  if (c.resolution) parts.push(oneOf(c.resolution));
  if (c.aspectRatio) parts.push(oneOf(c.aspectRatio.map(aspect)));
  if (c.audio) parts.push(oneOf(c.audio.map(sound)));
  if (c.image) parts.push(oneOf(c.image.map((i) => (i ? 'a reference image' : 'no image'))));
  return englishAnd.format(parts);
}

export const modelEn: ModelMessages = {
  problem: (p) => {
    switch (p.kind) {
      case 'duration': return `${p.label} makes ${videoLengths(p.offered)}, not ${p.asked} seconds.`;
      case 'aspectRatio': return p.imageDecides
        ? `${p.label} takes no aspect ratio: from text it makes ${oneOf(p.offered.map(aspect))} videos. Attach an image in the orientation you want.`
        : `${p.label} makes ${oneOf(p.offered.map(aspect))} videos, not ${p.asked}.`;
      case 'resolution': return p.offered.length === 0
        ? `${p.label} has no resolution choice: leave \`resolution\` empty.`
        : `${p.label} offers ${oneOf(p.offered)}, not ${p.asked}.`;
      case 'audio': return `${p.label} has no sound option: leave \`audio\` empty.`;
      case 'image': return `${p.label} makes videos from text only: remove the image or choose another model.`;
      case 'rule': return `${p.label}: with ${condition(p.when)}, choose ${condition(p.allow)}.`;
    }
  },
  unknownModel: (model, available) => `The model \`${model}\` is not available. Choose one of: ${available.map((m) => `\`${m}\``).join(', ')}.`,
  durationOffer,
  seconds: (n) => `${n} s`,
  aspect,
  resolution: (word) => word,
  sound: (on) => (on ? 'with sound' : 'silent'),
  condition,
  perSecond: '/s',
  perClip: '/clip',
  soundField: 'Sound',
  soundOption: 'sound',
};
