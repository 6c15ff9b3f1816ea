// The culled ray caster (renderCpu) against the reference loop (renderCpuReference): byte for
// byte, on the control tasks' own scenes over episodes (fixed cameras, whose planes and sky come
// from the plane cache, and tracking ones, which miss it), and on hand-made scenes that reach the
// corner cases of the culling (geoms behind or around the camera, oblique and sideways light,
// planes that cast shadows, finite planes, batches whose scenes share a camera).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMujoco } from '../control/mujoco.ts';
import { CONTROL_TASKS, makeControlEnv, type ControlTaskName } from '../control/tasks.ts';
import { Rng } from '../rng.ts';
import { axisAngle, lookAt } from './camera.ts';
import { renderCpu, renderCpuReference, type RenderOptions } from './cpu.ts';
import { capsule, DECORATION, EFFECTOR, figureScene, floor, geom, primitivesScene, SELF, TARGET } from './demo.ts';
import type { Scene } from './types.ts';

beforeAll(async () => {
  await loadMujoco();
});

/** Indices of the bytes that differ (none expected), at most a few. */
function diff(a: Uint8Array, b: Uint8Array): number[] {
  expect(a.length).toBe(b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length && out.length < 5; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

const same = (scenes: Scene[], options: RenderOptions = {}) => expect(diff(renderCpu(scenes, options), renderCpuReference(scenes, options))).toEqual([]);

describe('culled ray caster', () => {
  it.each(Object.keys(CONTROL_TASKS) as ControlTaskName[])('draws %s as the reference does over an episode stretch, every camera, shadows on and off', (task) => {
    const env = makeControlEnv(task, { episodeLength: 1000 });
    const rng = new Rng(task.length);
    env.reset(7);
    const dim = env.actionSpec.shape[0];
    for (let t = 0; t < 24; t++) {
      // Long strides so the bodies sweep the frame (and auto-flip through odd poses).
      for (let s = 0; s < 4; s++) env.step(Float32Array.from({ length: dim }, () => rng.float() * 2 - 1));
      const scene = env.scene();
      for (let c = 0; c < scene.cameras.length; c++) {
        same([scene], { cameras: c });
        if (t % 6 === 0) same([scene], { cameras: c, shadows: false, width: 40, height: 24 });
      }
    }
    env.close();
  });

  it('gives the same frames with the plane cache cold, being built, and warm, in one batch and across calls', () => {
    const env = makeControlEnv('cartpole_swingup');
    env.reset(3);
    const scenes: Scene[] = [];
    for (let t = 0; t < 6; t++) {
      env.step([t % 2 ? 1 : -1]);
      scenes.push(env.scene());
    }
    // A fresh size: the first scene misses the cache, the second builds it, the rest read it.
    const options = { width: 37, height: 29 };
    const batch = renderCpu(scenes, options);
    expect(diff(batch, renderCpuReference(scenes, options))).toEqual([]);
    const one = 37 * 29 * 3;
    scenes.forEach((scene, i) => expect(diff(renderCpu([scene], options), batch.subarray(i * one, (i + 1) * one))).toEqual([]));
    env.close();
  });

  it('matches on hand-made scenes: every primitive, oblique light, both demo cameras, odd sizes', () => {
    for (const options of [{}, { cameras: 1 }, { width: 23, height: 61 }, { width: 90, height: 20, shadows: false }] as RenderOptions[]) {
      same([primitivesScene()], options);
      same([primitivesScene()], options); // again, through the plane cache
    }
    for (let phase = 0; phase < 1; phase += 0.25) same([figureScene(19, phase)]);
  });

  it('matches with the light along each axis and tilted (the light-space basis changes) and with planes that cast shadows', () => {
    const geoms = primitivesScene().geoms;
    const wall = { ...geom('plane', [0.6, 0.4, 0], [0.2, 0.5, 0.6], [0.8, 0.8, 0.8], axisAngle([1, 0, 0], 2.2)), checker: true };
    const cameras = [lookAt([1.8, -2.2, 1.4], [0, 0, 0.25], 50)];
    for (const dir of [[0, 0, -1], [-1, 0, -0.0001], [0.0001, 1, 0], [0.3, -0.2, -1], [0.7, 0.7, -0.2], [0, 0, 1]] as [number, number, number][]) {
      same([{ geoms, cameras, light: { dir } }]);
      same([{ geoms: [...geoms, wall], cameras, light: { dir } }]);
    }
  });

  it('matches when geoms reach behind the camera, surround it, or lie off screen', () => {
    const scene: Scene = {
      geoms: [
        floor(2),
        capsule([0, -3, 0.5], [0, 1, 0.5], 0.05, SELF), // through the camera's position
        geom('sphere', [0.3, 0, 0], [0, -2.6, 0.4], EFFECTOR), // beside and behind the camera
        geom('box', [0.2, 0.2, 0.2], [0, -4, 0.5], DECORATION), // behind
        geom('ellipsoid', [0.1, 0.3, 0.2], [3, 0, 0.5], TARGET), // off to the side
        geom('cylinder', [0.1, 0.2, 0], [0.2, 0, 0.3], TARGET, axisAngle([1, 1, 0], 0.7)),
        geom('box', [0.1, 0.5, 0.02], [-0.3, 0.2, 0.6], DECORATION, axisAngle([0, 0, 1], 0.4)),
      ],
      cameras: [lookAt([0, -2.5, 0.5], [0, 0, 0.4], 60), lookAt([0.1, -2.5, 0.45], [0, -3, 0.45], 90)],
      light: { dir: [0.2, 0.5, -1] },
    };
    same([scene], { cameras: 0 });
    same([scene], { cameras: 1 });
    const inside: Scene = { ...scene, geoms: [floor(), geom('sphere', [1, 0, 0], [0, -2.5, 0.5], SELF), geom('box', [0.1, 0.1, 0.1], [0, -2, 0.5], TARGET)] };
    same([inside]);
  });

  it('matches in a batch of different cameras, scenes without planes, and empty scenes', () => {
    const bare: Scene = { ...primitivesScene(), geoms: primitivesScene().geoms.slice(1) };
    const empty: Scene = { ...primitivesScene(), geoms: [] };
    same([primitivesScene(), bare, empty, figureScene(7, 0.4), primitivesScene()], { cameras: [0, 1, 0, 0, 1], width: 32, height: 32 });
  });
});
