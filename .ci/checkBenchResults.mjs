// The small bench ran and wrote its results: every entry is a {name, value, unit, goal, met} object.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const parsed = JSON.parse(readFileSync(file, 'utf8'));
const results = Array.isArray(parsed) ? parsed : parsed.results;
const wellFormed = (r) => typeof r?.name === 'string' && typeof r.value === 'number' && typeof r.unit === 'string'
  && typeof r.goal === 'string' && typeof r.met === 'boolean';
if (!Array.isArray(results) || results.length === 0 || !results.every(wellFormed)) {
  console.error(`${file}: expected a non-empty list of {name, value, unit, goal, met}`);
  process.exit(1);
}
console.log(`${file}: ${results.length} results (${results.filter((r) => !r.met).length} goals missed; not judged in CI)`);
