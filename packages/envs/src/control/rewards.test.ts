// Rewards at hand-built states: set qpos/qvel/ctrl, recompute kinematics, ask the task.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ControlEnv } from './base.ts';
import { cartpoleReward } from './domains/cartpole.ts';
import { cheetahReward } from './domains/cheetah.ts';
import { cupCatchReward } from './domains/cup.ts';
import { fingerSpinReward } from './domains/finger.ts';
import { hopperReward } from './domains/hopper.ts';
import { pendulumReward } from './domains/pendulum.ts';
import { reacherReward } from './domains/reacher.ts';
import { walkerReward } from './domains/walker.ts';
import { loadMujoco } from './mujoco.ts';
import { makeControlEnv, type ControlTaskName } from './tasks.ts';

/** Reward of `name` at the state given by qpos/qvel/ctrl (unset entries are zero). */
function rewardAt(name: ControlTaskName, state: { qpos?: number[]; qvel?: number[]; ctrl?: number[] }, edit?: (env: ControlEnv) => void): number {
  const env = makeControlEnv(name);
  env.reset(0);
  const p = env.physics;
  p.resetData();
  p.views.qpos.set(state.qpos ?? []);
  p.views.qvel.set(state.qvel ?? []);
  p.views.ctrl.set(state.ctrl ?? []);
  edit?.(env);
  p.forward();
  const r = env.task.reward(p);
  env.close();
  return r;
}

const deg = (d: number) => (d * Math.PI) / 180;

describe('control rewards at hand-built states', () => {
  beforeAll(async () => {
    await loadMujoco();
  });

  it('cartpole: upright, centred and still is ≈ 1; hanging is 0; sparse needs |x| ≤ .25 and cos ≥ .995', () => {
    expect(rewardAt('cartpole_swingup', { qpos: [0, 0] })).toBeCloseTo(1, 9);
    expect(rewardAt('cartpole_balance', { qpos: [0, 0] })).toBeCloseTo(1, 9);
    expect(rewardAt('cartpole_swingup', { qpos: [0, Math.PI] })).toBeCloseTo(0, 9);
    // Horizontal pole: upright = 1/2.
    expect(rewardAt('cartpole_swingup', { qpos: [0, Math.PI / 2] })).toBeCloseTo(0.5, 9);
    // Full control costs a fifth; spinning fast halves it.
    expect(rewardAt('cartpole_swingup', { qpos: [0, 0], ctrl: [1] })).toBeCloseTo(0.8, 6);
    expect(cartpoleReward({ x: 0, cos: 1, thetadot: 100 }, 0, false)).toBeCloseTo(0.5, 9);
    expect(rewardAt('cartpole_swingup_sparse', { qpos: [0.2, 0.05] })).toBe(1);
    expect(rewardAt('cartpole_swingup_sparse', { qpos: [0.3, 0] })).toBe(0);
    expect(rewardAt('cartpole_balance_sparse', { qpos: [0, 0.2] })).toBe(0);
  });

  it('pendulum: 1 within 8° of upright, 0 outside', () => {
    expect(rewardAt('pendulum_swingup', { qpos: [deg(7.9)] })).toBe(1);
    expect(rewardAt('pendulum_swingup', { qpos: [deg(-7.9)] })).toBe(1);
    expect(rewardAt('pendulum_swingup', { qpos: [deg(8.1)] })).toBe(0);
    expect(pendulumReward(-1)).toBe(0);
  });

  it('reacher: 1 when the fingertip touches the target (radius + 0.01), else 0', () => {
    const moveTarget = (x: number, y: number) => (env: ControlEnv) => {
      const pos = env.physics.model.geom_pos as Float64Array;
      const t = env.physics.id('geom', 'target');
      pos[3 * t] = x;
      pos[3 * t + 1] = y;
    };
    // Straight arm along +x: fingertip at x = 0.24.
    expect(rewardAt('reacher_easy', { qpos: [0, 0] }, moveTarget(0.24 + 0.059, 0))).toBe(1);
    expect(rewardAt('reacher_easy', { qpos: [0, 0] }, moveTarget(0.24 + 0.061, 0))).toBe(0);
    expect(rewardAt('reacher_hard', { qpos: [0, 0] }, moveTarget(0.24 + 0.024, 0))).toBe(1);
    expect(rewardAt('reacher_hard', { qpos: [0, 0] }, moveTarget(0.24 + 0.026, 0))).toBe(0);
    expect(reacherReward(0, 0.015)).toBe(1);
  });

  it('cheetah: speed / 10 clipped to [0, 1]', () => {
    expect(cheetahReward(0)).toBe(0);
    expect(cheetahReward(5)).toBeCloseTo(0.5, 12);
    expect(cheetahReward(10)).toBe(1);
    expect(cheetahReward(25)).toBe(1);
    expect(cheetahReward(-3)).toBe(0);
    expect(rewardAt('cheetah_run', { qvel: [5] })).toBeCloseTo(0.5, 9);
  });

  it('walker: standing tall and upright is 1 for stand; walk and run also need speed', () => {
    expect(rewardAt('walker_stand', {})).toBeCloseTo(1, 9);
    expect(rewardAt('walker_walk', { qvel: [0, 1] })).toBeCloseTo(1, 9);
    expect(rewardAt('walker_walk', {})).toBeCloseTo(1 / 6, 9);
    expect(rewardAt('walker_run', { qvel: [0, 8] })).toBeCloseTo(1, 9);
    expect(rewardAt('walker_run', { qvel: [0, 6] })).toBeCloseTo((5 * 0.75 + 1) / 6, 9);
    // Lying flat (torso horizontal, at the floor): upright term 1/2, height term ~0.
    expect(walkerReward(0.1, 0, 0, 0)).toBeCloseTo(0.125, 2);
    // Upside-down torso at full height: (3 + 0) / 4.
    expect(walkerReward(1.3, -1, 0, 0)).toBeCloseTo(0.75, 12);
  });

  it('hopper: stand = upright height × small control; hop = upright height × speed ≥ 2 m/s', () => {
    expect(rewardAt('hopper_stand', { qpos: [0, 0, 0, 0, 0, deg(5), 0] })).toBeCloseTo(1, 9);
    expect(rewardAt('hopper_stand', { qpos: [0, 0, 0, 0, 0, deg(5), 0], ctrl: [1, 1, 1, 1] })).toBeCloseTo(0.8, 6);
    expect(rewardAt('hopper_hop', { qpos: [0, 0, 0, 0, 0, deg(5), 0], qvel: [2] })).toBeCloseTo(1, 9);
    expect(rewardAt('hopper_hop', { qpos: [0, 0, 0, 0, 0, deg(5), 0], qvel: [1] })).toBeCloseTo(0.5, 9);
    expect(rewardAt('hopper_hop', { qpos: [0, 0, 0, 0, 0, deg(5), 0] })).toBe(0);
    // Torso level with the foot (lying down): not standing.
    expect(hopperReward(0.2, 3, [0, 0, 0, 0], true)).toBe(0);
  });

  it('finger spin: 1 while the spinner turns at ≤ −15 rad/s', () => {
    expect(rewardAt('finger_spin', { qpos: [deg(-90), 0, 0], qvel: [0, 0, -16] })).toBe(1);
    expect(rewardAt('finger_spin', { qpos: [deg(-90), 0, 0], qvel: [0, 0, -14] })).toBe(0);
    expect(rewardAt('finger_spin', { qpos: [deg(-90), 0, 0], qvel: [0, 0, 16] })).toBe(0);
    expect(fingerSpinReward(-15)).toBe(1);
  });

  it('cup catch: 1 with the ball inside the cup, 0 hanging below it', () => {
    // The target box centre is 0.05 below the cup origin (z = 0.55); the ball body sits at z = 0.2.
    expect(rewardAt('cup_catch', { qpos: [0, 0, 0, 0.35] })).toBe(1);
    expect(rewardAt('cup_catch', { qpos: [0.1, 0, 0.12, 0.37] })).toBe(1);
    expect(rewardAt('cup_catch', { qpos: [0, 0, 0.03, 0.35] })).toBe(0);
    expect(rewardAt('cup_catch', {})).toBe(0);
    expect(cupCatchReward(0.025, -0.025)).toBe(1);
  });
});
