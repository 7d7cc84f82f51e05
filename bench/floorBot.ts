/** The floor of the acknowledgement benchmark: a bare discord.js client that only defers. */
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
  partials: [Partials.Message, Partials.Reaction, Partials.User],
  rest: { api: process.env.DISCORD_API_URL },
});
client.on(Events.InteractionCreate, (interaction) => {
  if (interaction.isChatInputCommand()) void interaction.deferReply().catch(() => undefined);
});
client.once(Events.ClientReady, () => process.stdout.write(`${JSON.stringify({ event: 'bot_ready' })}\n`));
await client.login(process.env.DISCORD_TOKEN);
