// The README's example must run as written and print what it promises.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test('README example builds the model and runs one train step', () => {
  const root = join(import.meta.dirname, '..');
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'))![1];
  // Inside the package, so '@dreamer/…' resolve as they would for a user (the package's own name by self-reference).
  const file = join(root, `.readme-example-${process.pid}.ts`);
  try {
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    expect(out).toMatch(/^5709821$/m);
    const image = Number(/'objectives\/image': (-?[\d.]+)/.exec(out)![1]);
    expect(image).toBeLessThan(-11000); // 12,288 pixels · (½ log 2π + ½ (x − μ)²)
    expect(out).toMatch(/'optimizer_model\/grad_norm': [\d.]+/);
  } finally {
    rmSync(file, { force: true });
  }
});
