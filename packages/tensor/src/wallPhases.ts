/**
 * Wall-clock phase timing for backends that compute each op when it is called (the CPU
 * backend): installs a `phase` method on the backend that charges elapsed time to the innermost
 * open phase path ('model/encoder', …), so the figures are self times. `stop()` removes it and
 * returns the totals. Backends with a profiler of their own (WebGPU) time phases on the device.
 */
import type { Backend } from './backend.ts';

export interface WallPhaseTimes {
  phase: string;
  ms: number;
}

export function wallPhases(backend: Backend): { stop(): WallPhaseTimes[] } {
  const self = new Map<string, number>();
  const stack: string[] = [];
  let mark = performance.now();
  const charge = (): void => {
    const now = performance.now();
    const key = stack.join('/');
    self.set(key, (self.get(key) ?? 0) + now - mark);
    mark = now;
  };
  const target = backend as Backend & { phase?: Backend['phase'] };
  target.phase = <R>(name: string, fn: () => R): R => {
    charge();
    stack.push(name);
    try {
      return fn();
    } finally {
      charge();
      stack.pop();
    }
  };
  return {
    stop() {
      charge();
      delete target.phase;
      return [...self].map(([phase, ms]) => ({ phase, ms }));
    },
  };
}
