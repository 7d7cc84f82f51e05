/** What every host must agree on about the provider account, kept in the shared database. */
export interface SharedProviderState {
  /** No job is submitted before this time (a 429's Retry-After, bot-wide). */
  holdUntil: number;
  /** Why the provider refuses the account (401/402/403), or null while it serves it. */
  unavailableReason: string | null;
  /** Models the provider kept saying it does not have, and since when. */
  modelsOff: { model: string; since: number }[];
}

export interface ProviderStateStore {
  read(): Promise<SharedProviderState>;
  /** Never shortens a hold another host set. */
  holdSubmissions(untilMs: number): Promise<void>;
  setUnavailable(reason: string | null): Promise<void>;
  turnModelOff(model: string, sinceMs: number): Promise<void>;
  turnModelsOn(): Promise<void>;
}

/** discord.js's identify throttler (`ws.buildIdentifyThrottler`): resolves when the shard may IDENTIFY. */
export interface IdentifyThrottler {
  waitForIdentify(shardId: number, signal: AbortSignal): Promise<void>;
}

export interface TaskHintListener {
  stop(): Promise<void>;
}

/**
 * Coordination between hosts that share one database (PostgreSQL). SQLite serves one host, whose
 * processes keep this state as they always have, so its stores offer none.
 */
export interface HostCoordination {
  readonly providerState: ProviderStateStore;
  /** IDENTIFYs spaced per `max_concurrency` bucket for the whole bot, whichever host sends them. */
  identifyThrottler(maxConcurrency: number): IdentifyThrottler;
  /** The provider's callback path secret: created once, the same on every host and across restarts. */
  webhookSecret(): Promise<string>;
  /** Tells every process of every host that the provider called back about this task. */
  publishTaskHint(taskId: string): Promise<void>;
  /** `onHint` hears every published hint (its own included) until stopped; a lost connection is reopened. */
  listenForTaskHints(onHint: (taskId: string) => void, onError: (err: unknown) => void): Promise<TaskHintListener>;
}
