// The README's example must run as written and print what it promises.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runReadmeExample } from '../../../tools/readme-example.ts';

test('README example trains on cartpole_swingup, checkpoints and resumes', () => {
  const out = runReadmeExample(join(import.meta.dirname, '..'));
  const lines = (re: RegExp) => out.split('\n').filter((l) => re.test(l));
  const number = '-?\\d+\\.\\d';
  expect(lines(new RegExp(`^prefill episode return ${number} \\(20 steps\\)$`))).toHaveLength(1);
  // Collects at 10, 20 and 30 sequences; a test episode after each train phase of 2 updates.
  expect(lines(new RegExp(`^train episode return ${number} \\(20 steps\\)$`))).toHaveLength(3);
  expect(lines(new RegExp(`^test episode return ${number} \\(20 steps\\)$`))).toHaveLength(3);
  const updates = lines(new RegExp(`^update \\d: objectives/model ${number}\\d objectives/action ${number}\\d$`));
  expect(updates.map((l) => Number(/^update (\d)/.exec(l)![1]))).toEqual([1, 2, 3, 4, 5, 6]);
  expect(out).toMatch(/^resumed at update 4 with 3 episodes$/m);
  expect(out).toMatch(/^checkpoint\.safetensors train_episodes 4$/m);
});
