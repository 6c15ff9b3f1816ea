// The README's example must run as written and print what it promises.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runReadmeExample } from '../../../tools/readme-example.ts';

test('README example plans in a world model and on a synthetic model', () => {
  const lines = runReadmeExample(join(import.meta.dirname, '..')).trim().split('\n');
  expect(lines[0]).toMatch(/^\[ 1, 2 \] Float32Array\(2\) \[ -?[\d.]+(e-\d+)?, -?[\d.]+(e-\d+)? \]$/);
  const [a0, a1] = /\[ (.*) \]/.exec(lines.at(-1)!)![1].split(', ').map(Number);
  expect(Math.abs(a0 - 0.5)).toBeLessThan(0.03);
  expect(Math.abs(a1 + 0.3)).toBeLessThan(0.03);
});
