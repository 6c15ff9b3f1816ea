// The README's example must run as written and print what it promises.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test('README example runs one Dreamer update', () => {
  const root = join(import.meta.dirname, '..');
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'))![1];
  // Inside the package, so '@dreamer/…' resolve as they would for a user (the package's own name by self-reference).
  const file = join(root, `.readme-example-${process.pid}.ts`);
  try {
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    for (const name of ['objectives/action', 'objectives/value', 'optimizer_action/grad_norm', 'optimizer_value/grad_norm', 'optimizer_model/grad_norm']) {
      expect(out).toMatch(new RegExp(`'${name}': -?[\\d.]+`));
    }
  } finally {
    rmSync(file, { force: true });
  }
});
