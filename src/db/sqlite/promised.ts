/** An object's methods, each answering a promise of what it returned. */
export type Promised<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : T[K];
};

/**
 * The stores' shape over better-sqlite3, which is synchronous: each call still runs, and commits, the
 * moment it is made, in call order, and only its answer (or error) arrives as a settled promise.
 */
export function promised<T extends object>(sync: T): Promised<T> {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sync)) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    wrapped[key] = (...args: unknown[]) => {
      try {
        return Promise.resolve(value(...args));
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  return wrapped as Promised<T>;
}
