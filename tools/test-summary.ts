/**
 * Prints one line with the test totals of the workspace, read from the JSON reports vitest
 * wrote (`.vitest/<script>.json` in each package). Usage: node tools/test-summary.ts test [test-gpu …]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const root = join(import.meta.dirname, '..');
const reports = process.argv.length > 2 ? process.argv.slice(2) : ['test'];
const dirs = ['packages', 'apps'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(root, group, d)) : [],
);
dirs.push(join(root, 'tests'));

let passed = 0;
let failed = 0;
let skipped = 0;
const rows: string[] = [];
for (const dir of dirs) for (const which of reports) {
  const file = join(dir, '.vitest', `${which}.json`);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
  if (r.numPassedTests + r.numFailedTests + r.numPendingTests + r.numTodoTests === 0) continue;
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  rows.push(`  ${`${dir.slice(root.length + 1)} (${which})`.padEnd(34)} ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
console.log(rows.join('\n'));
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
