// The README's example must run as written and print what it promises.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test('README example plans in a world model and on a synthetic model', () => {
  const root = join(import.meta.dirname, '..');
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'))![1];
  // Inside the package, so '@dreamer/planner' resolves by self-reference as it would for a user.
  const file = join(root, `.readme-example-${process.pid}.ts`);
  try {
    writeFileSync(file, code);
    const lines = execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim().split('\n');
    expect(lines[0]).toMatch(/^\[ 1, 2 \] Float32Array\(2\) \[ -?[\d.]+(e-\d+)?, -?[\d.]+(e-\d+)? \]$/);
    const [a0, a1] = /\[ (.*) \]/.exec(lines.at(-1)!)![1].split(', ').map(Number);
    expect(Math.abs(a0 - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(a1 + 0.3)).toBeLessThan(0.03);
  } finally {
    rmSync(file, { force: true });
  }
});
