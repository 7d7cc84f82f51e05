import { botCanView, isThread, newChannel, type FakeChannel, type NewChannel } from './fakeDiscordChannels.ts';
import { botThreadMemberJson, channelJson } from './fakeDiscordPayloads.ts';
import type { FakeDiscordState } from './fakeDiscordState.ts';

type Dispatch = (t: string, d: unknown) => void;

/** What moderators do to channels, threads and the server, with the gateway events Discord sends for it. */
export class FakePlaceChanges {
  constructor(private readonly state: FakeDiscordState, private readonly dispatch: Dispatch) {}

  channel(id: string): FakeChannel {
    const channel = this.state.channels.get(id);
    if (!channel) throw new Error(`no channel ${id}`);
    return channel;
  }

  addChannel(init: NewChannel): FakeChannel {
    const channel = newChannel(init.id ?? this.state.nextId(), init);
    this.state.channels.set(channel.id, channel);
    if (!isThread(channel)) this.dispatch('CHANNEL_CREATE', channelJson(this.state, channel.id));
    // a private thread reaches only those who can see it: its members and whoever has Manage Threads
    else if (botCanView(this.state, channel)) this.dispatchThread('THREAD_CREATE', channel);
    return channel;
  }

  lockThread(id: string, opts: { archived?: boolean }): void {
    const channel = this.channel(id);
    channel.locked = true;
    channel.archived = opts.archived ?? true;
    this.dispatchThread('THREAD_UPDATE', channel);
  }

  archiveThread(id: string): void {
    const channel = this.channel(id);
    channel.archived = true;
    this.dispatchThread('THREAD_UPDATE', channel);
  }

  deleteChannel(id: string, opts: { offline?: boolean }): void {
    const channel = this.channel(id);
    const payload = channelJson(this.state, id);
    channel.deleted = true;
    for (const thread of this.state.channels.values()) if (thread.parentId === id) thread.deleted = true;
    if (opts.offline) return;
    if (isThread(channel)) {
      this.dispatch('THREAD_DELETE', { id, guild_id: this.state.guildIdOf(id), parent_id: channel.parentId, type: channel.type });
    } else {
      this.dispatch('CHANNEL_DELETE', payload);
    }
  }

  removeGuild(id: string, opts: { offline?: boolean }): void {
    if (id !== this.state.guildId) throw new Error(`the fake has one guild, ${this.state.guildId}`);
    this.state.guildRemoved = true;
    if (!opts.offline) this.dispatch('GUILD_DELETE', { id });
  }

  private dispatchThread(t: string, channel: FakeChannel): void {
    this.dispatch(t, { ...channelJson(this.state, channel.id), ...botThreadMemberJson(this.state, channel) });
  }
}
