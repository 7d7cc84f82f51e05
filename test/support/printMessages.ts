/**
 * Prints what members see, from the real renderers: every card state, the result post and `/usage`,
 * in English and Japanese, as the visible parts of the JSON body the bot sends to Discord.
 *
 *   npx tsx test/support/printMessages.ts            # both languages
 *   npx tsx test/support/printMessages.ts ja --png /tmp/charts   # one language, and the chart as PNG
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageExamples, type MessageExample } from './messageExamples.ts';

interface Field { name: string; value: string; inline?: boolean }
interface Embed { description?: string; fields?: Field[]; footer?: { text: string }; color?: number }
interface Button { label?: string; style?: number }
interface Attachment { filename: string; description?: string }

const indent = (text: string, prefix: string) => text.split('\n').map((line) => `${prefix}${line}`).join('\n');

export function describeMessage(example: MessageExample): string {
  const body = example.body as {
    content?: string; embeds?: Embed[]; components?: { components: Button[] }[]; attachments?: Attachment[];
    flags?: number; allowed_mentions?: { parse: string[]; users: string[] }; message_reference?: unknown;
  };
  const lines = [`── ${example.title}`];
  if (body.message_reference) lines.push('  (a reply to the card)');
  if (body.content) lines.push(indent(body.content, '  │ '));
  for (const a of body.attachments ?? []) lines.push(`  📎 ${a.filename}${a.description ? ` · alt: “${a.description}”` : ' · no alt text'}`);
  for (const embed of body.embeds ?? []) {
    lines.push(`  ┃ embed #${(embed.color ?? 0).toString(16).padStart(6, '0')}`);
    if (embed.description) lines.push(indent(embed.description, '  ┃ '));
    for (const f of embed.fields ?? []) lines.push(`  ┃ ${f.name}: ${f.value.replace(/\n/g, ' ⏎ ')}`);
    if (embed.footer) lines.push(`  ┃ ─ ${embed.footer.text}`);
  }
  const buttons = (body.components ?? []).flatMap((row) => row.components.map((b) => `[${b.label}]`));
  if (buttons.length > 0) lines.push(`  ${buttons.join(' ')}`);
  const mentions = body.allowed_mentions;
  const flags = body.flags ? ` · flags ${body.flags}` : '';
  if (mentions) lines.push(`  (pings: ${mentions.users.length === 0 ? 'nobody' : mentions.users.join(', ')}${flags})`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const pngAt = args.indexOf('--png');
  const pngDir = pngAt >= 0 ? args[pngAt + 1] : undefined;
  const languages = args.filter((a, i) => !a.startsWith('--') && (pngAt < 0 || i !== pngAt + 1));
  for (const locale of languages.length > 0 ? languages : ['en-US', 'ja']) {
    console.log(`\n==================== ${locale} ====================`);
    const examples = await messageExamples(locale, { drawChart: pngDir !== undefined, chartBytes: (name, data) => {
      if (!pngDir) return;
      mkdirSync(pngDir, { recursive: true });
      writeFileSync(join(pngDir, `${locale}-${name}`), data);
    } });
    for (const example of examples) console.log(`${describeMessage(example)}\n`);
  }
}

// Imported by a test for describeMessage: only a direct run prints.
if (process.argv[1]?.endsWith('printMessages.ts')) await main();
