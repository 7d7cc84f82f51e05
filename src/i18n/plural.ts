const englishRules = new Intl.PluralRules('en');

/** `count` with the English word form its plural category takes: plural(1, 'job', 'jobs') is "1 job". */
const englishOr = new Intl.ListFormat('en', { type: 'disjunction' });

/** "4, 8, or 12": a choice among items, in English. */
export function oneOf(items: readonly (string | number)[]): string {
  return englishOr.format(items.map(String));
}

export function plural(count: number, one: string, other: string): string {
  return `${count} ${englishRules.select(count) === 'one' ? one : other}`;
}
