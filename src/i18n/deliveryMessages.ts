/** Why a result could not be posted where it belonged (stored as `delivery_problem`). */
export type DeliveryProblem =
  | 'thread_locked' | 'thread_archived' | 'channel_deleted' | 'bot_removed' | 'missing_permissions'
  | 'automod' | 'refused' | 'attempts_exhausted';

export interface DeliveryProblemJob {
  jobId: number; userId: string; channelId: string; problem: string; delivered: 'dm' | 'link' | 'nowhere'; finishedAt: number;
}

/** Texts about getting a finished video to its requester, part of `Messages` in every language. */
export interface DeliveryMessages {
  delivery: {
    problem: Record<DeliveryProblem, string>;
    /** The second line of a result that went to the requester's DMs instead of the channel. */
    movedToDm: (channelId: string, problem: string) => string;
    /** The second line of a result posted as a bare link after the upload kept failing. */
    linkInstead: (problem: string) => string;
    link: (url: string, expiresAtMs: number | null) => string;
    undeliverableStatus: string;
    statusDeleted: (jobId: number) => string;
    dmCopyAgain: (jobId: number, url: string, expiresAtMs: number | null) => string;
    reportTitle: (count: number) => string;
    reportJob: (j: DeliveryProblemJob) => string;
  };
}
