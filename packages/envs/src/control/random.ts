// Random draws for initial states, all from the env's seeded Rng so episodes replay exactly.
import type { Rng } from '../rng.ts';
import type { Physics } from './physics.ts';

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.float();
}

/** Standard normal draw (Box–Muller; 1 − u keeps the log finite). */
export function normal(rng: Rng): number {
  const u = 1 - rng.float();
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const SLIDE = 2;
const HINGE = 3;

/**
 * dm_control's rule for random poses: every limited hinge or slide uniform in its range, every
 * unlimited hinge uniform in [−π, π); unlimited slides (root translations) keep qpos0.
 * A joint is limited here when its range is non-empty (MuJoCo leaves unlimited ranges at 0 0).
 */
export function randomizeJoints(p: Physics, rng: Rng): void {
  const qpos = p.views.qpos;
  for (const j of p.joints()) {
    const [lo, hi] = j.range;
    if ((j.type === HINGE || j.type === SLIDE) && lo < hi) qpos[j.qposAdr] = uniform(rng, lo, hi);
    else if (j.type === HINGE) qpos[j.qposAdr] = uniform(rng, -Math.PI, Math.PI);
  }
}

/**
 * Randomise joints until the pose has no contacts (dm_control's finger and cup do this), giving
 * up after `maxTries` with a clear error rather than looping forever.
 */
export function collisionFree(p: Physics, draw: () => void, label: string, maxTries = 1000): void {
  for (let i = 0; i < maxTries; i++) {
    draw();
    p.forward();
    if (p.ncon === 0) return;
  }
  throw new Error(`${label}: found no collision-free initial state in ${maxTries} tries`);
}
