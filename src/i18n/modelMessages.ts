import type { Condition } from '../models/modelEntry.ts';
import type { DurationOffer, SettingsProblem } from '../models/checkSettings.ts';

/** What members read about models and a job's settings. */
export interface ModelMessages {
  /** Why `/video`'s options do not fit the model, saying what the model offers. */
  problem: (p: SettingsProblem) => string;
  unknownModel: (model: string, available: readonly string[]) => string;
  durationOffer: (offer: DurationOffer) => string;
  seconds: (n: number) => string;
  aspect: (word: string) => string;
  resolution: (word: string) => string;
  sound: (on: boolean) => string;
  condition: (c: Condition) => string;
  /** Choice labels: `$0.0856/s`, `$0.14/clip`. */
  perSecond: string;
  perClip: string;
  soundOption: string;
  /** The card's field name for the sound setting. */
  soundField: string;
}
