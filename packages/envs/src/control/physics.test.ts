import { beforeAll, describe, expect, it } from 'vitest';
import { loadMujoco } from './mujoco.ts';
import { Physics } from './physics.ts';

// An ideal pendulum: a 1 kg point mass 1 m below a frictionless hinge, RK4, no contacts.
const L = 1;
const G = 9.81;
const pendulumXml = (dt: number) => `<mujoco model="ideal_pendulum">
  <option timestep="${dt}" integrator="RK4" gravity="0 0 -${G}"><flag contact="disable" energy="enable"/></option>
  <worldbody><body name="bob" pos="0 0 2"><joint name="hinge" type="hinge" axis="0 1 0"/>
    <inertial pos="0 0 -${L}" mass="1" diaginertia="1e-9 1e-9 1e-9"/></body></worldbody></mujoco>`;

/** Exact period of a pendulum of amplitude θ0: 2π√(L/g) / AGM(1, cos(θ0/2)). */
function exactPeriod(theta0: number): number {
  let a = 1;
  let b = Math.cos(theta0 / 2);
  for (let i = 0; i < 30; i++) [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
  return ((2 * Math.PI) / a) * Math.sqrt(L / G);
}

function swing(theta0: number, dt: number, seconds: number) {
  const p = new Physics(pendulumXml(dt), 'ideal_pendulum');
  p.views.qpos[0] = theta0;
  p.forward();
  const energy = () => {
    const e = p.data.energy as Float64Array;
    return e[0] + e[1];
  };
  const e0 = energy();
  let drift = 0;
  const downCrossings: number[] = [];
  let prev = theta0;
  let tPrev = 0;
  for (let i = 0; i < Math.round(seconds / dt); i++) {
    p.step(1);
    const th = p.views.qpos[0];
    drift = Math.max(drift, Math.abs(energy() - e0));
    if (prev > 0 && th <= 0) downCrossings.push(tPrev + ((p.time - tPrev) * prev) / (prev - th));
    prev = th;
    tPrev = p.time;
  }
  p.close();
  const periods = downCrossings.slice(1).map((t, i) => t - downCrossings[i]);
  return { drift, period: periods.reduce((a, b) => a + b, 0) / periods.length, cycles: periods.length };
}

describe('physics sanity (undamped pendulum)', () => {
  beforeAll(async () => {
    await loadMujoco();
  });

  it('small swings: period 2π√(L/g) within 0.1% (exact value within 1e-6), energy within 1e-6 J', () => {
    const { drift, period, cycles } = swing(0.05, 0.01, 20);
    expect(cycles).toBeGreaterThanOrEqual(8);
    expect(Math.abs(period - 2 * Math.PI * Math.sqrt(L / G)) / period).toBeLessThan(1e-3); // small-angle formula
    expect(Math.abs(period - exactPeriod(0.05)) / period).toBeLessThan(1e-6);
    expect(drift).toBeLessThan(1e-6);
  });

  it('large swings (2 rad): exact elliptic-integral period within 1e-6, energy within 1e-4 J of 13.9 J', () => {
    const { drift, period } = swing(2, 0.01, 20);
    expect(Math.abs(period - exactPeriod(2)) / period).toBeLessThan(1e-6);
    expect(period / (2 * Math.PI * Math.sqrt(L / G))).toBeGreaterThan(1.3); // far from the small-angle value
    expect(drift).toBeLessThan(1e-4); // swing energy m·g·L·(1 − cos 2) ≈ 13.9 J
  });

  it('steps advance time by the timestep and raise on unknown names', () => {
    const p = new Physics(pendulumXml(0.01), 'ideal_pendulum');
    p.step(3);
    expect(p.time).toBeCloseTo(0.03, 12);
    expect(p.id('joint', 'hinge')).toBe(0);
    expect(() => p.id('body', 'nope')).toThrow(/ideal_pendulum: the model has no body named 'nope'/);
    p.close();
    expect(() => p.views).toThrow(/after close/);
  });
});
