import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/db/job.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { isResultOf } from '../../src/services/jobs/earlierResult.ts';

const bot = '1100000000000000001';
const requester = '<@1500000000000000001>';
const job = (locale: string, id = 1) => ({ id, userId: '1500000000000000001', locale }) as Job;
const message = (content: string, footers: string[], authorId = bot) => ({ id: '1', channelId: 'c', content, authorId, embedFooters: footers });

describe('recognising an earlier attempt’s result post', () => {
  it.each([
    { name: 'the English result', j: job('en-US'), content: requester, footers: [en.card.footer(1)], match: true },
    { name: 'the Japanese result', j: job('ja'), content: requester, footers: [ja.card.footer(1)], match: true },
    { name: 'the result posted as a link', j: job('en-US'), content: `${requester}\n${en.resultLink('https://v.example/1.mp4', null)}`, footers: [en.card.footer(1)], match: true },
    { name: 'a notice that mentions the same job', j: job('en-US'), content: `${requester} ${en.reactions.cannotCancelSubmitted(1)}`, footers: [], match: false },
    { name: 'the failure notice of the same job', j: job('en-US'), content: en.failedNotice('1500000000000000001', 1, 'x'), footers: [], match: false },
    { name: 'the card of the same job', j: job('en-US'), content: `${en.statusTitle(1)} · ${en.status.completed}`, footers: [], match: false },
    { name: 'the result of job #12 for job #1', j: job('en-US', 1), content: requester, footers: [en.card.footer(12)], match: false },
    { name: 'the result of another member’s job', j: job('en-US'), content: '<@1500000000000000002>', footers: [en.card.footer(1)], match: false },
  ])('$name: $match', ({ j, content, footers, match }) => {
    expect(isResultOf(j, bot, message(content, footers))).toBe(match);
  });

  it('never takes another author’s message, whatever it says', () => {
    expect(isResultOf(job('en-US'), bot, message(requester, [en.card.footer(1)], '999'))).toBe(false);
  });
});
