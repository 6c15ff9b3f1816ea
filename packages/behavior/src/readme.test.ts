// The README's example must run as written and print what it promises.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runReadmeExample } from '../../../tools/readme-example.ts';

test('README example runs one Dreamer update', () => {
  const out = runReadmeExample(join(import.meta.dirname, '..'));
  for (const name of ['objectives/action', 'objectives/value', 'optimizer_action/grad_norm', 'optimizer_value/grad_norm', 'optimizer_model/grad_norm']) {
    expect(out).toMatch(new RegExp(`'${name}': -?[\\d.]+`));
  }
});
