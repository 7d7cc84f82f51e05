import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/db/job.ts';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { isResultOf } from '../../src/services/jobs/earlierResult.ts';

const bot = '1100000000000000001';
const job = (locale: string, id = 1) => ({ id, userId: '1500000000000000001', locale }) as Job;
const message = (content: string, authorId = bot) => ({ id: '1', channelId: 'c', content, authorId });

describe('recognising an earlier attempt’s result post', () => {
  it.each([
    { name: 'the English result', j: job('en-US'), content: `${en.resultReady('1500000000000000001', 1)}\nCost: $0.40.`, match: true },
    { name: 'the Japanese result', j: job('ja'), content: `${ja.resultReady('1500000000000000001', 1)}\n費用: $0.40。`, match: true },
    { name: 'a notice that mentions the same job', j: job('en-US'), content: `<@1500000000000000001> ${en.reactions.cannotCancelSubmitted(1)}`, match: false },
    { name: 'the failure notice of the same job', j: job('en-US'), content: en.failedNotice('1500000000000000001', 1, 'x'), match: false },
    { name: 'the result of job #12 for job #1', j: job('en-US', 1), content: `${en.resultReady('1500000000000000001', 12)}\nCost: $0.40.`, match: false },
  ])('$name: $match', ({ j, content, match }) => {
    expect(isResultOf(j, bot, message(content))).toBe(match);
  });

  it('never takes another author’s message, whatever it says', () => {
    expect(isResultOf(job('en-US'), bot, message(`${en.resultReady('1500000000000000001', 1)}\n`, '999'))).toBe(false);
  });
});
