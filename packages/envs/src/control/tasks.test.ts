import { beforeAll, describe, expect, it } from 'vitest';
import type { Env, TimeStep } from '../env.ts';
import { makeEnv } from '../registry.ts';
import { Rng } from '../rng.ts';
import { ControlEnv, sceneOf } from './base.ts';
import { loadMujoco } from './mujoco.ts';
import { CONTROL_TASKS, type ControlTaskName } from './tasks.ts';

// Observation sizes and action dims as the suite defines them (spec §5, timing table).
const SPEC: Record<ControlTaskName, { obs: Record<string, number>; act: number; dt: number }> = {
  cartpole_balance: { obs: { position: 3, velocity: 2 }, act: 1, dt: 0.01 },
  cartpole_balance_sparse: { obs: { position: 3, velocity: 2 }, act: 1, dt: 0.01 },
  cartpole_swingup: { obs: { position: 3, velocity: 2 }, act: 1, dt: 0.01 },
  cartpole_swingup_sparse: { obs: { position: 3, velocity: 2 }, act: 1, dt: 0.01 },
  pendulum_swingup: { obs: { orientation: 2, velocity: 1 }, act: 1, dt: 0.02 },
  reacher_easy: { obs: { position: 2, to_target: 2, velocity: 2 }, act: 2, dt: 0.02 },
  reacher_hard: { obs: { position: 2, to_target: 2, velocity: 2 }, act: 2, dt: 0.02 },
  cheetah_run: { obs: { position: 8, velocity: 9 }, act: 6, dt: 0.01 },
  walker_stand: { obs: { orientations: 14, height: 1, velocity: 9 }, act: 6, dt: 0.025 },
  walker_walk: { obs: { orientations: 14, height: 1, velocity: 9 }, act: 6, dt: 0.025 },
  walker_run: { obs: { orientations: 14, height: 1, velocity: 9 }, act: 6, dt: 0.025 },
  hopper_stand: { obs: { position: 6, velocity: 7, touch: 2 }, act: 4, dt: 0.02 },
  hopper_hop: { obs: { position: 6, velocity: 7, touch: 2 }, act: 4, dt: 0.02 },
  finger_spin: { obs: { position: 4, velocity: 3, touch: 2 }, act: 2, dt: 0.02 },
  cup_catch: { obs: { position: 4, velocity: 4 }, act: 2, dt: 0.02 },
};

const NAMES = Object.keys(CONTROL_TASKS) as ControlTaskName[];

function randomActions(n: number, dim: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => rng.float() * 2 - 1));
}

function checkShapes(env: Env, ts: TimeStep, obs: Record<string, number>) {
  expect(Object.keys(ts.observation).sort()).toEqual(Object.keys(obs).sort());
  for (const [key, n] of Object.entries(obs)) {
    const v = ts.observation[key];
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(n);
    expect(env.observationSpec[key]).toMatchObject({ shape: [n], dtype: 'float32' });
    for (const x of v) expect(Number.isFinite(x)).toBe(true);
  }
}

describe('control suite tasks', () => {
  beforeAll(async () => {
    await loadMujoco();
  });

  it('every task listed in the spec is registered', () => {
    expect(NAMES.sort()).toEqual(Object.keys(SPEC).sort());
  });

  describe.each(NAMES)('%s', (name) => {
    it('specs, 1000 steps ending in truncation with discount 1, rewards in [0, 1], a scene', () => {
      const env = makeEnv(name);
      const spec = SPEC[name];
      expect(env.name).toBe(name);
      expect(env.actionSpec).toMatchObject({ kind: 'continuous', shape: [spec.act] });
      expect((env as ControlEnv).controlTimestep).toBeCloseTo(spec.dt, 12);
      let ts = env.reset(7);
      expect(ts).toMatchObject({ reward: 0, discount: 1, terminal: false, truncated: false });
      checkShapes(env, ts, spec.obs);
      const actions = randomActions(1000, spec.act, 1);
      let steps = 0;
      for (const a of actions) {
        ts = env.step(a);
        steps++;
        expect(ts.reward).toBeGreaterThanOrEqual(0);
        expect(ts.reward).toBeLessThanOrEqual(1);
        expect(ts.discount).toBe(1);
        expect(ts.terminal).toBe(false);
        expect(ts.truncated).toBe(steps === 1000);
      }
      checkShapes(env, ts, spec.obs);
      expect(ts.info.step).toBe(1000);
      expect(() => env.step(actions[0])).toThrow(/after the episode ended/);
      const scene = sceneOf(env);
      expect(scene.geoms.length).toBeGreaterThan(2);
      expect(scene.cameras.length).toBeGreaterThanOrEqual(1);
      for (const g of scene.geoms) {
        expect(g.mat).toHaveLength(9);
        for (const x of [...g.pos, ...g.mat, ...g.size, ...g.rgba]) expect(Number.isFinite(x)).toBe(true);
      }
      expect(scene.geoms.some((g) => g.type === 'plane' && g.checker)).toBe(true);
      env.close();
    });

    it('is deterministic under a seed, and seeds differ', () => {
      const env = makeEnv(name);
      const actions = randomActions(60, SPEC[name].act, 2);
      const run = (seed: number) => {
        const out = [env.reset(seed)];
        for (const a of actions) out.push(env.step(a));
        return out.map((t) => [t.reward, ...Object.values(t.observation).flatMap((v) => Array.from(v))]);
      };
      const a = run(11);
      expect(run(11)).toEqual(a);
      expect(run(12)).not.toEqual(a);
      env.close();
    });
  });

  it('rejects bad actions and seeds with clear errors, clips out-of-range actions', () => {
    const env = makeEnv('walker_walk');
    expect(() => env.step([0, 0, 0, 0, 0, 0])).toThrow(/before reset/);
    env.reset(0);
    expect(() => env.step([0, 0, 0])).toThrow(/walker_walk: invalid action .*length 3, expected length 6/);
    expect(() => env.step([0, 0, NaN, 0, 0, 0])).toThrow(/element 2 is NaN, expected a finite number/);
    expect(() => env.step([0, 0, 0, Infinity, 0, 0])).toThrow(/element 3 is Infinity, expected a finite number/);
    expect(() => env.step(3 as never)).toThrow(/expected a number\[\] or Float32Array of length 6/);
    expect(() => env.step(['a', 0, 0, 0, 0, 0] as never)).toThrow(/element 0 is a/);
    for (const bad of [NaN, Infinity, '3', undefined]) {
      expect(() => env.reset(bad as number)).toThrow(/walker_walk: invalid seed .*expected a finite number/);
    }
    // Out-of-range actions act like the nearest bound (MuJoCo's ctrlrange clamp).
    const clipped = (a: number[]) => {
      env.reset(5);
      let ts = env.step(a);
      for (let i = 0; i < 5; i++) ts = env.step(a);
      return ts.observation;
    };
    expect(clipped([5, -7, 1.5, 0, 2, -2])).toEqual(clipped([1, -1, 1, 0, 1, -1]));
    expect(() => makeEnv('walker_walk', { colour: 1 } as object)).toThrow(/unknown option 'colour'/);
    env.close();
    expect(() => env.reset(0)).toThrow(/after close/);
  });

  it('sceneOf looks through wrappers, describes the frame, and refuses non-MuJoCo envs', () => {
    const env = makeEnv('cup_catch');
    env.reset(0);
    const wrapped = { name: env.name, env } as unknown as Env;
    const scene = sceneOf(wrapped);
    // The string is drawn as a thin capsule from the ball to the cup's bottom.
    const string = scene.geoms.filter((g) => g.type === 'capsule' && g.size[0] === 0.003);
    expect(string).toHaveLength(1);
    expect(string[0].size[1] * 2).toBeGreaterThan(0.05);
    expect(string[0].size[1] * 2).toBeLessThan(0.32);
    const ball = scene.geoms.find((g) => g.type === 'sphere' && Math.abs(g.size[0] - 0.025) < 1e-12);
    const qpos = (env as ControlEnv).physics.views.qpos;
    expect(ball?.pos[0]).toBeCloseTo(qpos[2], 9);
    expect(ball?.pos[2]).toBeCloseTo(0.2 + qpos[3], 9);
    expect(scene.cameras.map((c) => c.name)).toEqual(['cam0', 'cam1']);
    expect(scene.cameras[0].fovy).toBe(45);
    expect(scene.light.dir).toEqual([0, 0, -1]);
    env.close();
    expect(() => sceneOf(makeEnv('dummy'))).toThrow(/'dummy' is not a MuJoCo control task/);
  });

  it('scenes are fresh data each call, though what never changes is read from the model once', () => {
    const env = makeEnv('reacher_hard') as ControlEnv;
    env.reset(0);
    const a = env.scene();
    a.geoms[0].rgba[0] = 9;
    a.geoms[0].size[0] = 9;
    a.cameras[0].pos[0] = 9;
    a.light.ambient![0] = 9;
    const b = env.scene();
    expect(b.geoms[0].rgba[0]).not.toBe(9);
    expect(b.geoms[0].size[0]).not.toBe(9);
    expect(b.cameras[0].pos[0]).not.toBe(9);
    expect(b.light.ambient![0]).not.toBe(9);
    const target = b.geoms.find((g) => g.type === 'sphere' && g.size[0] === 0.015); // reacher_hard's target, resized in prepare
    expect(target).toBeDefined();
    env.step([1, 1]);
    expect(env.scene().geoms.map((g) => g.pos)).not.toEqual(b.geoms.map((g) => g.pos));
    env.close();
  });

  it('tracking cameras follow the body', () => {
    const env = makeEnv('walker_walk') as ControlEnv;
    env.reset(0);
    const p = env.physics;
    const before = env.scene().cameras[0].pos;
    p.views.qpos[p.qposAdr('rootx')] += 2;
    p.forward();
    const after = env.scene().cameras[0].pos;
    expect(after[0] - before[0]).toBeCloseTo(2, 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
    env.close();
  });

  it('a blown-up simulation throws instead of going on from the state MuJoCo reset to', () => {
    const env = makeEnv('walker_walk') as ControlEnv;
    env.reset(0);
    const a = new Float32Array(6);
    env.step(a);
    env.physics.views.qvel[3] = 1e300;
    expect(() => env.step(a)).toThrow(/walker_walk: the simulation became unstable at t=0\.0250 s/);
    expect(() => env.step(a)).toThrow(/call reset\(seed\) before stepping again/);
    expect(env.reset(0).observation.height[0]).toBeGreaterThan(1);
    expect(env.step(a).reward).toBeGreaterThanOrEqual(0);
    env.close();
  });

  it('episodeLength option truncates early', () => {
    const env = makeEnv('pendulum_swingup', { episodeLength: 3 });
    env.reset(0);
    expect(env.step([0]).truncated).toBe(false);
    expect(env.step([0]).truncated).toBe(false);
    expect(env.step([0])).toMatchObject({ truncated: true, discount: 1 });
    expect(() => makeEnv('pendulum_swingup', { episodeLength: 0 })).toThrow(/episodeLength must be a positive integer/);
  });

  it('a random policy scores tens, not hundreds, on cartpole_swingup', () => {
    const env = makeEnv('cartpole_swingup');
    const returns = [0, 1].map((seed) => {
      const rng = new Rng(100 + seed);
      let ts = env.reset(seed);
      let ret = 0;
      while (!ts.truncated) {
        ts = env.step([rng.float() * 2 - 1]);
        ret += ts.reward;
      }
      return ret;
    });
    const mean = (returns[0] + returns[1]) / 2;
    expect(mean).toBeGreaterThan(2);
    expect(mean).toBeLessThan(80);
    env.close();
  });
});
