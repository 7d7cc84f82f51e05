/**
 * A circuit breaker for the provider account: after a 401/402/403 nothing new is submitted until a
 * probe (the balance endpoint) succeeds again, so a revoked key or an empty balance costs one refusal,
 * not one per queued job.
 */
export function createProviderHealth() {
  let unavailableReason: string | null = null;
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
  };
}

export type ProviderHealth = ReturnType<typeof createProviderHealth>;
