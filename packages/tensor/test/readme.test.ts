// The README's first example must run as written and print what it promises.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

test('README example fits y = 3x - 1', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const entry = pathToFileURL(join(import.meta.dirname, '..', 'src', 'index.ts')).href;
  const dir = mkdtempSync(join(tmpdir(), 'tensor-readme-'));
  try {
    const file = join(dir, 'example.ts');
    writeFileSync(file, code.replace("from '@dreamer/tensor'", `from '${entry}'`));
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    const numbers = out.match(/-?\d+\.\d+/g)!.map(Number);
    expect(numbers[0]).toBeCloseTo(3, 3);
    expect(numbers[1]).toBeCloseTo(-1, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
