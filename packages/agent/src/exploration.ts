/**
 * Exploration on top of the policy's action, as the seed configures it:
 * - `additive_normal` (continuous): a ← clip(a + N(0, σ²), −1, 1) with σ = the noise amount;
 * - `epsilon_greedy` (discrete, one-hot): with probability ε replace the action by a uniformly
 *   random one-hot.
 * The amount follows a linear schedule over agent steps: from `train_action_noise` towards
 * `train_action_noise_min` across |ramp| steps (ramp 0: constant). The seed's `discrete` preset
 * uses ramp −1e7, i.e. a very slow decay from 0.4 with a floor of 0.25 — we read the sign as
 * "decreasing", which is the only reading consistent with a floor.
 */
import type { Rng } from '@dreamer/envs';

export interface NoiseSchedule {
  initial: number;
  min: number;
  ramp: number;
}

export function noiseAmount(s: NoiseSchedule, step: number): number {
  if (s.ramp === 0) return s.initial;
  const frac = Math.min(1, Math.max(0, step) / Math.abs(s.ramp));
  return Math.max(s.min, s.initial + (s.min - s.initial) * frac);
}

/** Standard normal from two uniforms (Box–Muller). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

export function additiveNormal(action: Float32Array, amount: number, rng: Rng): Float32Array {
  const out = new Float32Array(action.length);
  for (let i = 0; i < action.length; i++) out[i] = Math.min(1, Math.max(-1, action[i] + (amount > 0 ? amount * gaussian(rng) : 0)));
  return out;
}

export function epsilonGreedy(action: Float32Array, epsilon: number, rng: Rng): Float32Array {
  if (rng.float() >= epsilon) return action;
  const out = new Float32Array(action.length);
  out[rng.int(action.length)] = 1;
  return out;
}
