import { expect, test } from 'vitest';
import { getBackend, phase } from './index.ts';
import { wallPhases } from './wallPhases.ts';

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

test('wallPhases charges self time to the innermost phase path and uninstalls itself', () => {
  const backend = getBackend();
  const timer = wallPhases(backend);
  phase('outer', () => {
    busy(5);
    phase('inner', () => busy(20));
  });
  const times = new Map(timer.stop().map((t) => [t.phase, t.ms]));
  expect('phase' in backend).toBe(false);
  expect(times.get('outer/inner')!).toBeGreaterThanOrEqual(20);
  expect(times.get('outer')!).toBeGreaterThanOrEqual(5);
  // Self time: the inner phase's 20 ms are not also charged to 'outer'.
  expect(times.get('outer')!).toBeLessThan(times.get('outer/inner')!);
});
