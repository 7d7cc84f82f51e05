/** A message body as the bot sent it to Discord: content, embeds, buttons, and the files beside it. */
export interface SentMessage {
  content?: string;
  embeds?: { description?: string; color?: number; fields?: { name: string; value: string; inline?: boolean }[]; footer?: { text: string } }[];
  components?: { components?: { label?: string; type?: number }[] }[];
  attachments?: { filename?: string; description?: string }[];
}

const colourNames: Record<number, string> = {
  0xfee75c: 'yellow', 0x99aab5: 'grey', 0x5865f2: 'blurple', 0x57f287: 'green', 0xed4245: 'red', 0x4f545c: 'dark grey',
};

/**
 * Roughly as Discord's client shows a message, in plain text for README: bold markers dropped, mentions
 * as names, message links without their changing ids, an embed as `▌` lines (its colour in brackets,
 * inline fields on one line), then the files and the buttons in brackets.
 */
export function messageAsShown(message: SentMessage, names: Record<string, string>): string[] {
  const inline = (text: string) => text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${names[id] ?? 'someone'}`)
    .replace(/https:\/\/discord\.com\/channels\/[\d/]+/g, 'https://discord.com/channels/…')
    .replace(/\\([\\`*_~|>#[\]()-])/g, '$1');
  const lines = (message.content ?? '').split('\n').filter(Boolean).map(inline);
  for (const embed of message.embeds ?? []) {
    const body: string[] = [];
    if (embed.description) body.push(...embed.description.split('\n'));
    let row: string[] = [];
    for (const field of embed.fields ?? []) {
      const shown = `${field.name} ${field.value}`;
      if (field.inline) {
        row.push(shown);
        continue;
      }
      if (row.length) body.push(row.join(' · '));
      row = [];
      body.push(shown);
    }
    if (row.length) body.push(row.join(' · '));
    if (embed.footer) body.push(embed.footer.text);
    const colour = embed.color === undefined ? '' : `(${colourNames[embed.color] ?? `#${embed.color.toString(16)}`}) `;
    lines.push(...body.map((line, i) => `▌${i === 0 ? colour : ''}${inline(line)}`));
  }
  const files = (message.attachments ?? []).map((a) => `[${a.filename ?? 'file'}]`);
  if (files.length) lines.push(files.join(' '));
  const buttons = (message.components ?? []).flatMap((row) => row.components ?? []).map((c) => `[${c.label ?? '?'}]`);
  if (buttons.length) lines.push(buttons.join(' '));
  return lines;
}
