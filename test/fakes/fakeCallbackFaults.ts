import { seeded } from './fakeProviderModel.ts';

/**
 * The network between the provider and the bot, for the fake apimart's push callbacks (opt-in): a
 * share of callbacks never arrives, some arrive late, some arrive twice. Each share is exact over
 * every 20 callbacks, in an order drawn from a seed, so two runs that finish tasks in the same order
 * lose the same callbacks.
 */
export interface CallbackFaultOptions {
  seed: number;
  /** Never delivered, and not retried: the provider believes it was. */
  loseChance?: number;
  /** Delivered after a delay, uniform in `delayMs`. */
  delayChance?: number;
  delayMs?: [number, number];
  /** Delivered twice, the second copy within `delayMs`. */
  duplicateChance?: number;
}

export interface CallbackFates { lost: number; delayed: number; duplicated: number; delivered: number }

/** Fates are dealt from a shuffled deck this size, so every 20 callbacks get their exact shares. */
const deckSize = 20;
type Fate = 'lost' | 'delayed' | 'duplicated' | 'delivered';

export function createCallbackFaults(opts: CallbackFaultOptions) {
  const random = seeded(opts.seed);
  const [minMs, maxMs] = opts.delayMs ?? [1_000, 5_000];
  const fates: CallbackFates = { lost: 0, delayed: 0, duplicated: 0, delivered: 0 };
  const shareOf = (chance = 0) => Math.round(chance * deckSize);
  const dealt: Fate[] = [
    ...Array<Fate>(shareOf(opts.loseChance)).fill('lost'),
    ...Array<Fate>(shareOf(opts.delayChance)).fill('delayed'),
    ...Array<Fate>(shareOf(opts.duplicateChance)).fill('duplicated'),
  ];
  if (dealt.length > deckSize) throw new RangeError('callback fault chances add up to more than 1');
  const fresh = [...dealt, ...Array<Fate>(deckSize - dealt.length).fill('delivered')];
  let deck: Fate[] = [];
  const later = () => Math.round(minMs + (maxMs - minMs) * random());
  const draw = (): Fate => {
    if (deck.length === 0) deck = fresh.map((fate) => ({ fate, key: random() })).sort((a, b) => a.key - b.key).map((c) => c.fate);
    return deck.pop() as Fate;
  };
  return {
    fates,
    /** When each copy of one callback leaves, in ms from now: none when it is lost. */
    copies(): number[] {
      const fate = draw();
      fates[fate]++;
      if (fate === 'lost') return [];
      if (fate === 'delayed') return [later()];
      if (fate === 'duplicated') return [0, later()];
      return [0];
    },
  };
}

export type CallbackFaults = ReturnType<typeof createCallbackFaults>;
