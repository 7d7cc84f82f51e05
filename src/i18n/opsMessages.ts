import type { OverrideOption } from '../services/spend/budgetCeilings.ts';
import type { CommandMention } from './commandNames.ts';

export type ResolveOutcome = 'billed' | 'not_billed';

/** A model whose last settled jobs cost, together, more or less than their estimates said. */
export interface PriceDriftView { model: string; jobs: number; estimateMicros: number; costMicros: number; ratio: number }

/** What `/video-admin status` shows; ages and times in epoch ms. */
export interface BotStatusView {
  queued: number;
  running: number;
  oldestJobCreatedAt: number | null;
  providerDownReason: string | null;
  modelsOff: { model: string; since: number }[];
  /** Catalog models the provider's model list does not have for this key (absent: the list was never read). */
  modelsNotOffered?: string[];
  awaiting: { jobId: number; status: 'submit_unknown' | 'timed_out'; resolvableAt: number | null }[];
  version: string;
  startedAt: number;
  now: number;
}

/** Texts of the trust boundaries: allowed servers, ceilings, turned-off models, resolve and status. */
export interface OpsMessages {
  ops: {
    guildNotAllowed: string;
    thisServerOnly: (userId: string, command: CommandMention) => string;
    aboveCeiling: (option: OverrideOption, ceilingMicros: number) => string;
    modelTurnedOff: (model: string, command: CommandMention) => string;
    /** The provider's model list for this bot's key does not have it (GET /v1/models). */
    modelNotOffered: (model: string) => string;
    /** In the admin report: models whose settled costs drifted from their estimates (see priceDrift.ts). */
    pricesLookStale: (drifts: readonly PriceDriftView[]) => string;
    /** A re-roll of a job whose reference image was never kept, after Discord's link to it expired. */
    referenceImageGone: (jobId: number, command: CommandMention) => string;
    modelsTurnedBackOn: (models: string[]) => string;
    resolveCommand: (jobId: number, outcome: ResolveOutcome, command: CommandMention) => string;
    resolveHint: (jobId: number, resolvableAt: number | null, command: CommandMention) => string;
    resolveNotFound: (jobId: number) => string;
    resolveNotAwaiting: (jobId: number, status: string) => string;
    resolveStillPolling: (jobId: number, resolvableAt: number) => string;
    resolved: (jobId: number, userId: string, outcome: ResolveOutcome, micros: number) => string;
    requesterBilled: (userId: string, jobId: number, costMicros: number) => string;
    requesterNotBilled: (userId: string, jobId: number) => string;
    statusResolvedBilled: (costMicros: number) => string;
    status: (s: BotStatusView, command: CommandMention) => string;
    /** 🔁 or 📩 on a job whose prompt and video were erased under RETENTION_DAYS. */
    jobErased: (jobId: number, command: CommandMention) => string;
  };
}
