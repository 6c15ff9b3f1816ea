import { expect, test, vi } from 'vitest';
import { main } from './main.ts';

test('profile on WebGPU prints the per-kernel table of a training step', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  expect(await main(['profile', '--set', 'cnn_depth=2', '--set', 'batch_shape=[2,5]'])).toBe(0);
  const text = log.mock.calls.flat().join('\n');
  log.mockRestore();
  expect(text).toMatch(/backend webgpu/);
  expect(text).toMatch(/^kernel +calls +total ms/m);
  expect(text).toMatch(/^adamUpdate /m);
  expect(text).toMatch(/dispatches? in \d+ submits?; GPU time/);
});
