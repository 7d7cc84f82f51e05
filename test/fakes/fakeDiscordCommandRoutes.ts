import type { Route, RouteAnswer } from './fakeDiscordRest.ts';
import { FakeApiError, type FakeDiscordState } from './fakeDiscordState.ts';

// The application's slash commands, global and per server: list, overwrite (PUT), upsert (POST), get
// and delete (https://discord.com/developers/docs/interactions/application-commands#endpoints).

type Params = Record<string, string>;

const ok = (body: unknown): RouteAnswer => ({ status: 200, body });
const noContent = (): RouteAnswer => ({ status: 204 });

interface StoredCommand {
  id: string;
  name: string;
  type: number;
  [key: string]: unknown;
}

export function commandRoutes(state: FakeDiscordState): Route[] {
  const listFor = (p: Params): StoredCommand[] => {
    if (p.app !== state.appId) throw new FakeApiError(404, 10002, 'Unknown Application');
    if (p.guild === undefined) return state.commands.global as StoredCommand[];
    if (!state.guilds.get(p.guild)) throw new FakeApiError(404, 10004, 'Unknown Guild');
    if (state.guildRemoved && p.guild === state.guildId) throw new FakeApiError(403, 50001, 'Missing Access');
    const list = state.commands.guild.get(p.guild) ?? [];
    state.commands.guild.set(p.guild, list);
    return list as StoredCommand[];
  };
  const store = (p: Params, input: unknown, list: StoredCommand[]): StoredCommand => {
    const cmd = (input ?? {}) as Record<string, unknown>;
    const type = typeof cmd.type === 'number' ? cmd.type : 1;
    const name = String(cmd.name ?? '');
    return {
      default_member_permissions: null,
      dm_permission: true,
      contexts: null,
      integration_types: [0],
      nsfw: false,
      description: '',
      options: [],
      ...cmd,
      id: list.find((c) => c.name === name && c.type === type)?.id ?? state.nextId(),
      application_id: state.appId,
      version: state.nextId(),
      type,
      name,
      ...(p.guild ? { guild_id: p.guild } : {}),
    };
  };
  const one = (p: Params): StoredCommand => {
    const found = listFor(p).find((c) => c.id === p.command);
    if (!found) throw new FakeApiError(404, 10063, 'Unknown application command');
    return found;
  };
  const routes: Route[] = [];
  for (const base of ['/applications/:app/commands', '/applications/:app/guilds/:guild/commands']) {
    routes.push(
      { method: 'GET', path: base, auth: true, handle: (_req, p) => ok(listFor(p)) },
      {
        method: 'PUT',
        path: base,
        auth: true,
        handle: (req, p) => {
          if (!Array.isArray(req.body)) throw new FakeApiError(400, 50035, 'Invalid Form Body');
          const list = listFor(p);
          const next = req.body.map((c) => store(p, c, list));
          list.splice(0, list.length, ...next);
          return ok(list);
        },
      },
      {
        method: 'POST',
        path: base,
        auth: true,
        handle: (req, p) => {
          const list = listFor(p);
          const cmd = store(p, req.body, list);
          const index = list.findIndex((c) => c.id === cmd.id);
          if (index >= 0) list[index] = cmd;
          else list.push(cmd);
          return { status: index >= 0 ? 200 : 201, body: cmd };
        },
      },
      { method: 'GET', path: `${base}/:command`, auth: true, handle: (_req, p) => ok(one(p)) },
      {
        method: 'DELETE',
        path: `${base}/:command`,
        auth: true,
        handle: (_req, p) => {
          const list = listFor(p);
          list.splice(list.indexOf(one(p)), 1);
          return noContent();
        },
      },
    );
  }
  return routes;
}
