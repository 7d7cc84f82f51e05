import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { classifyDiscordError } from '../discord/discordFaults.ts';
import type { DiscordMessenger, OutgoingMessage, SentMessage } from '../discord/discordMessenger.ts';
import { resultCard } from './resultPost.ts';

/** What is posted: the video itself, or its link (too large, or the bytes were not kept). */
export type ResultPayload = { kind: 'file'; bytes: Buffer } | { kind: 'link' };
export interface Posted { sent: SentMessage; content: string }

/** A DM is outside the server, so a boosted server's larger upload limit does not apply there. */
export const dmAttachmentLimitBytes = 10 * 1024 * 1024;

/** Same nonce for every attempt and every form: with enforce_nonce Discord answers a repeat with the first message. */
export const resultNonce = (jobId: number) => `video-result-${jobId}`;

interface Form {
  payload: ResultPayload;
  /** A reply to the status message; dropped when the channel refuses replies (160002). */
  reply: boolean;
  /** Only what the bot itself wrote (after an AutoMod block): the opening line, the cost, the video or link. */
  minimal: boolean;
  /** Why the result is not where it belonged, shown as its second line. */
  note?: string;
}

/**
 * Builds and posts the result message. Every form opens with the same line (earlierResult.ts finds an
 * earlier attempt's post by it) and carries the same nonce.
 */
export function createResultPoster(messenger: DiscordMessenger) {
  function build(job: Job, form: Form): OutgoingMessage {
    const m = messagesFor(job.locale);
    const lines = [m.resultReady(job.userId, job.id)];
    if (form.note) lines.push(form.note);
    lines.push(m.resultCost(job.costMicros ?? job.estimateMicros));
    if (form.payload.kind === 'link') {
      lines.push(form.note ? m.delivery.link(job.videoUrl ?? '', job.videoExpiresAt) : m.resultLink(job.videoUrl ?? '', job.videoExpiresAt));
    }
    if (!form.minimal && !form.note) lines.push(m.resultControls);
    return {
      content: lines.join('\n'),
      // Buttons go with the controls line: a result that missed its channel (a DM, a bare link) has neither.
      ...resultCard(job, { withoutPrompt: form.minimal, withButtons: !form.note }),
      files: form.payload.kind === 'file' ? [{ name: `video-${job.id}.mp4`, data: form.payload.bytes }] : undefined,
      mentionUserIds: [job.userId],
      nonce: resultNonce(job.id),
      replyToMessageId: form.reply ? (job.statusMessageId ?? undefined) : undefined,
    };
  }

  /**
   * Posts to `channelId`, adapting the message to each refusal that a different form can get past:
   * 40005 → the link, 160002 → no reply reference, AutoMod → none of the member's words. Any other
   * error is the caller's to classify.
   */
  async function post(job: Job, send: (message: OutgoingMessage) => Promise<SentMessage>, first: Form): Promise<Posted> {
    let form = first;
    for (;;) {
      const message = build(job, form);
      try {
        return { sent: await send(message), content: message.content };
      } catch (err) {
        const next = adapt(form, classifyDiscordError(err).kind);
        if (!next) throw err;
        form = next;
      }
    }
  }

  function adapt(form: Form, fault: string): Form | undefined {
    if (fault === 'too_large' && form.payload.kind === 'file') return { ...form, payload: { kind: 'link' } };
    if (fault === 'reply_refused' && form.reply) return { ...form, reply: false };
    if (fault === 'automod' && !form.minimal) return { ...form, minimal: true };
    return undefined;
  }

  const toChannel = (job: Job) => (message: OutgoingMessage) => messenger.send(job.channelId, message);
  return {
    inChannel: (job: Job, payload: ResultPayload) => post(job, toChannel(job), { payload, reply: true, minimal: false }),
    /** The bare link in the channel, saying why (uploads kept failing, or DMs were closed). */
    linkInChannel: (job: Job, note: string) => post(job, toChannel(job), { payload: { kind: 'link' }, reply: false, minimal: true, note }),
    /** The requester's DMs: the video when it fits a DM's 10 MiB, else its link; `note` says why it came here. */
    inDm(job: Job, payload: ResultPayload, note: string): Promise<Posted> {
      const fits = payload.kind === 'file' && payload.bytes.length <= dmAttachmentLimitBytes;
      return post(job, (message) => messenger.dm(job.userId, message), { payload: fits ? payload : { kind: 'link' }, reply: false, minimal: true, note });
    },
  };
}

export type ResultPoster = ReturnType<typeof createResultPoster>;
