import { ConfigError, loadConfig } from '../../src/config.ts';

/** What loadConfig refuses in `env`, one line a variable; none when it loads. */
export function configProblems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
