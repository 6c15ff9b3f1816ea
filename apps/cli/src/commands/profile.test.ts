import { expect, test, vi } from 'vitest';
import { main } from '../main.ts';

test('profile on the CPU backend prints the time per phase of a training step', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  expect(await main(['profile', '--set', 'backend=cpu', '--set', 'cnn_depth=2', '--set', 'batch_shape=[2,5]', '--steps', '2'])).toBe(0);
  const text = log.mock.calls.flat().join('\n');
  log.mockRestore();
  expect(text).toMatch(/task dummy · backend cpu · batch 2×5/);
  for (const phase of ['env step', 'policy step \\(act\\)', 'update \\(first', 'update \\(sample \\+ train step\\) +2 ', 'checkpoint save']) expect(text).toMatch(new RegExp(`^${phase}`, 'm'));
}, 60_000);

test('profile rejects bad options, naming them', async () => {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  expect(await main(['profile', '--steps', '0'])).toBe(2);
  expect(await main(['profile', '--timing', 'gpu'])).toBe(2);
  expect(await main(['profile', '--frobnicate'])).toBe(2);
  const text = err.mock.calls.flat().join('\n');
  err.mockRestore();
  expect(text).toMatch(/--steps: got "0"/);
  expect(text).toMatch(/--timing: got "gpu", expected timestamp or cpu/);
  expect(text).toMatch(/Unknown option '--frobnicate'/);
});
