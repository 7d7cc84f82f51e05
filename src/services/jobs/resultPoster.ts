import { userMention } from 'discord.js';
import type { Job } from '../../db/job.ts';
import { messagesFor } from '../../i18n/messages.ts';
import { classifyDiscordError } from '../discord/discordFaults.ts';
import type { DiscordMessenger, OutgoingMessage, SentMessage } from '../discord/discordMessenger.ts';
import { resultCard, videoAltText, videoFileName } from './resultPost.ts';

/** What is posted: the video itself, or its link (too large, or the bytes were not kept). */
export type ResultPayload = { kind: 'file'; bytes: Buffer } | { kind: 'link' };
export interface Posted { sent: SentMessage; content: string }

/** A DM is outside the server, so a boosted server's larger upload limit does not apply there. */
export const dmAttachmentLimitBytes = 10 * 1024 * 1024;

/** Same nonce for every attempt and every form: with enforce_nonce Discord answers a repeat with the first message. */
export const resultNonce = (jobId: number) => `video-result-${jobId}`;

interface Form {
  payload: ResultPayload;
  /** Only what the bot itself wrote (after an AutoMod block): no prompt, no image name, no alt text. */
  minimal: boolean;
  /** Why the result is not where it belonged, shown as its second line. */
  note?: string;
}

/**
 * Builds and posts the result message: the requester's mention (so they are notified) and the video,
 * then the embed with everything else, then the buttons. It is no reply to the card, whose last state
 * links here. Every form opens with the mention alone on its first line and carries the job's footer
 * (earlierResult.ts finds an earlier attempt's post by them) and the same nonce.
 */
export function createResultPoster(messenger: DiscordMessenger) {
  function build(job: Job, form: Form): OutgoingMessage {
    const m = messagesFor(job.locale);
    const lines: string[] = [userMention(job.userId)];
    if (form.note) lines.push(form.note);
    if (form.payload.kind === 'link') {
      lines.push(form.note ? m.delivery.link(job.videoUrl ?? '', job.videoExpiresAt) : m.resultLink(job.videoUrl ?? '', job.videoExpiresAt));
    }
    const description = form.minimal ? undefined : videoAltText(job);
    return {
      content: lines.join('\n'),
      // A result that missed its channel (a DM, a bare link) has no buttons: they would act on a post that is not there.
      ...resultCard(job, { withoutPrompt: form.minimal, withButtons: !form.note }),
      files: form.payload.kind === 'file' ? [{ name: videoFileName(job.id), data: form.payload.bytes, description }] : undefined,
      mentionUserIds: [job.userId],
      nonce: resultNonce(job.id),
    };
  }

  /**
   * Posts to `channelId`, adapting the message to each refusal that a different form can get past:
   * 40005 → the link, AutoMod → none of the member's words. Any other error is the caller's to classify.
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
    if (fault === 'automod' && !form.minimal) return { ...form, minimal: true };
    return undefined;
  }

  const toChannel = (job: Job) => (message: OutgoingMessage) => messenger.send(job.channelId, message);
  return {
    inChannel: (job: Job, payload: ResultPayload) => post(job, toChannel(job), { payload, minimal: false }),
    /** The bare link in the channel, saying why (uploads kept failing, or DMs were closed). */
    linkInChannel: (job: Job, note: string) => post(job, toChannel(job), { payload: { kind: 'link' }, minimal: true, note }),
    /** The requester's DMs: the video when it fits a DM's 10 MiB, else its link; `note` says why it came here. */
    inDm(job: Job, payload: ResultPayload, note: string): Promise<Posted> {
      const fits = payload.kind === 'file' && payload.bytes.length <= dmAttachmentLimitBytes;
      return post(job, (message) => messenger.dm(job.userId, message), { payload: fits ? payload : { kind: 'link' }, minimal: true, note });
    },
  };
}

export type ResultPoster = ReturnType<typeof createResultPoster>;
