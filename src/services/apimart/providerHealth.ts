/**
 * The provider account's state: a circuit breaker (after a 401/402/403 nothing new is submitted until
 * a probe, the balance endpoint, succeeds again, so a revoked key or an empty balance costs one
 * refusal, not one per queued job) and a hold (a 429 is about the account, not one job: no job is
 * sent before its Retry-After has passed).
 */
export function createProviderHealth() {
  let unavailableReason: string | null = null;
  let holdUntil = 0;
  return {
    isAvailable: () => unavailableReason === null,
    reason: () => unavailableReason,
    markUnavailable(reason: string): boolean {
      const changed = unavailableReason === null;
      unavailableReason = reason;
      return changed;
    },
    markAvailable(): boolean {
      const changed = unavailableReason !== null;
      unavailableReason = null;
      return changed;
    },
    /** Never shortens a hold already in place. */
    holdSubmissions(untilMs: number): void {
      holdUntil = Math.max(holdUntil, untilMs);
    },
    heldUntil: () => holdUntil,
  };
}

export type ProviderHealth = ReturnType<typeof createProviderHealth>;
