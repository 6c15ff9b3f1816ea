// WrapperBudget (collect.ts): it forces a GC once more tracked wrappers than its limit wait for
// collection, and the count of outstanding wrappers falls back once their finalizers run.
import { describe, expect, it } from 'vitest';
import { WrapperBudget, collectGarbage } from './collect.ts';

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('WrapperBudget', () => {
  it('forces collections that keep the outstanding wrappers near the limit', async () => {
    const budget = new WrapperBudget(100);
    let most = 0;
    for (let i = 0; i < 3000; i++) {
      budget.track({ i });
      most = Math.max(most, budget.outstanding);
      if (i % 25 === 24) await turn();
    }
    expect(budget.forcedCollections).toBeGreaterThan(0);
    // Forced at > limit, at most once per limit/2 tracked, and finalizers report a turn later.
    expect(most).toBeLessThan(300);
    expect(collectGarbage()).toBe(true);
    await turn();
    await turn();
    expect(budget.outstanding).toBeLessThan(100);
  });

  it('leaves reachable wrappers alone and forces nothing under the limit', async () => {
    const budget = new WrapperBudget(1000);
    const kept = Array.from({ length: 500 }, (_, i) => ({ i }));
    for (const k of kept) budget.track(k);
    expect(budget.forcedCollections).toBe(0);
    collectGarbage();
    await turn();
    expect(budget.outstanding).toBe(500);
    expect(kept.length).toBe(500);
  });

  it('rejects a limit below 1', () => {
    expect(() => new WrapperBudget(0)).toThrow(RangeError);
  });
});
