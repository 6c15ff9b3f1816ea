/**
 * For the packages' README tests: runs the first ```ts block of `<packageRoot>/README.md` as
 * written and returns what it printed. The file is written inside the package, so '@dreamer/…'
 * imports resolve as they would for a user (the package's own name by self-reference), and removed
 * afterwards.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function runReadmeExample(packageRoot: string): string {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error(`${join(packageRoot, 'README.md')}: no \`\`\`ts example block`);
  const file = join(packageRoot, `.readme-example-${process.pid}.ts`);
  try {
    writeFileSync(file, block[1]);
    return execFileSync(process.execPath, [file], { encoding: 'utf8' });
  } finally {
    rmSync(file, { force: true });
  }
}
