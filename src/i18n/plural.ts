const englishRules = new Intl.PluralRules('en');

/** `count` with the English word form its plural category takes: plural(1, 'job', 'jobs') is "1 job". */
export function plural(count: number, one: string, other: string): string {
  return `${count} ${englishRules.select(count) === 'one' ? one : other}`;
}
