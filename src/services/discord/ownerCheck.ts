import { Team, type Client } from 'discord.js';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';

/** Ownership changes rarely (a transfer, a new team member); a few minutes' staleness is harmless. */
const refreshAfterMs = 10 * 60_000;

export interface OwnerCheckDeps {
  client: Client;
  /** OWNER_USER_IDS: owners besides the application's owner or team. */
  configuredIds: readonly string[];
  clock: Clock;
  logger: Logger;
}

/**
 * The bot's owners: the application's owner or its team members, as Discord reports them
 * (GET /applications/@me through discord.js), plus OWNER_USER_IDS. Only they may raise a member's
 * limits above the operator's ceilings; a server admin is whoever owns a server, so never enough.
 */
export function createOwnerCheck(deps: OwnerCheckDeps) {
  let applicationOwners = new Set<string>();
  let fetchedAt: number | null = null;

  async function refresh(): Promise<void> {
    const application = deps.client.application;
    if (!application) return;
    try {
      const fetched = await application.fetch();
      const owner = fetched.owner;
      applicationOwners = new Set(owner instanceof Team ? [...owner.members.keys()] : owner ? [owner.id] : []);
      fetchedAt = deps.clock.now();
    } catch (err) {
      // The last answer (or only OWNER_USER_IDS) stands: an outage must not make anyone an owner.
      deps.logger.warn('application_owner_fetch_failed', { err });
    }
  }

  return {
    refresh,
    async isOwner(userId: string): Promise<boolean> {
      if (deps.configuredIds.includes(userId)) return true;
      if (fetchedAt === null || deps.clock.now() - fetchedAt > refreshAfterMs) await refresh();
      return applicationOwners.has(userId);
    },
  };
}

export type OwnerCheck = ReturnType<typeof createOwnerCheck>;
