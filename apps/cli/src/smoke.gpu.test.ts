import { expect, test, vi } from 'vitest';
import { main } from './main.ts';

test('smoke on the webgpu backend matches the CPU run and releases the device', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  expect(await main(['smoke', '--steps', '50', '--backend', 'webgpu'])).toBe(0);
  expect(await main(['smoke', '--steps', '50'])).toBe(0);
  const lines = log.mock.calls.flat().map(String).filter((l) => l.startsWith('backend'));
  log.mockRestore();
  const losses = lines.map((l) => /loss ([\d.]+) -> ([\d.]+)/.exec(l)!.slice(1).map(Number));
  expect(lines[0]).toMatch(/^backend webgpu/);
  // Same seed, same Philox streams, f32 on both: the printed (4-decimal) losses agree.
  expect(losses[0]).toEqual(losses[1]);
});
