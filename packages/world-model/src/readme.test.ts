// The README's example must run as written and print what it promises.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runReadmeExample } from '../../../tools/readme-example.ts';

test('README example builds the model and runs one train step', () => {
  const out = runReadmeExample(join(import.meta.dirname, '..'));
  expect(out).toMatch(/^5709821$/m);
  const image = Number(/'objectives\/image': (-?[\d.]+)/.exec(out)![1]);
  expect(image).toBeLessThan(-11000); // 12,288 pixels · (½ log 2π + ½ (x − μ)²)
  expect(out).toMatch(/'optimizer_model\/grad_norm': [\d.]+/);
});
