// Helpers shared by the MinAtar tests (not exported from the package index).
import type { Env, TimeStep } from '../env.ts';
import { Rng } from '../rng.ts';

export interface Episode {
  steps: TimeStep[];
  ret: number;
}

/** Run one episode (up to maxSteps) with a policy mapping (t, rng) → action. */
export function runEpisode(env: Env, seed: number, policy: (t: number, rng: Rng) => number, maxSteps = 100_000, keep = true): Episode {
  const rng = new Rng(seed ^ 0x5eed);
  const first = env.reset(seed);
  const steps = keep ? [first] : [];
  let ret = 0;
  for (let t = 0; t < maxSteps; t++) {
    const ts = env.step(policy(t, rng));
    ret += ts.reward;
    if (keep) steps.push(ts);
    if (ts.terminal || ts.truncated) break;
  }
  return { steps, ret };
}

export function randomPolicy(n: number): (t: number, rng: Rng) => number {
  return (_t, rng) => rng.int(n);
}
