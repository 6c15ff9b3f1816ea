// Reacher: a planar two-link arm (vertical hinge axes, so gravity does no work) must put its
// fingertip on a target; easy and hard differ only in the target's radius.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { randomizeJoints, uniform } from '../random.ts';
import { tolerance } from '../tolerance.ts';

const WALL = (from: string, to: string) =>
  `\n    <geom type="capsule" fromto="${from} ${to}" size=".02" material="decoration"/>`;

export const REACHER_XML = model({
  name: 'reacher',
  option: 'timestep="0.02"',
  flags: 'contact="disable"',
  default: `
    <joint type="hinge" axis="0 0 1" damping=".01"/>
    <geom type="capsule" size=".01" material="self" contype="0" conaffinity="0"/>`,
  worldbody: `
    <light name="light" pos="0 0 1" dir="0 0 -1"/>
    <camera name="fixed" pos="0 0 .75" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="ground" type="plane" size=".3 .3 .1" material="grid"/>` +
    WALL('-.3 -.3 .01', '.3 -.3 .01') +
    WALL('.3 -.3 .01', '.3 .3 .01') +
    WALL('.3 .3 .01', '-.3 .3 .01') +
    WALL('-.3 .3 .01', '-.3 -.3 .01') +
    `
    <geom name="root" type="cylinder" fromto="0 0 0 0 0 .02" size=".011" material="decoration"/>
    <body name="arm" pos="0 0 .01">
      <joint name="shoulder"/>
      <geom name="arm" fromto="0 0 0 .12 0 0"/>
      <body name="hand" pos=".12 0 0">
        <joint name="wrist" range="-160 160"/>
        <geom name="hand" fromto="0 0 0 .1 0 0"/>
        <geom name="finger" type="sphere" pos=".12 0 0" size=".01" material="effector"/>
      </body>
    </body>
    <geom name="target" type="sphere" pos="0 0 .01" size=".05" material="target"/>`,
  actuator: `
    <motor name="shoulder" joint="shoulder" gear=".05" ctrlrange="-1 1"/>
    <motor name="wrist" joint="wrist" gear=".05" ctrlrange="-1 1"/>`,
});

export const REACHER_TARGET_RADIUS = { easy: 0.05, hard: 0.015 } as const;
const FINGER_RADIUS = 0.01;

/** 1 while the fingertip overlaps the target, else 0. */
export function reacherReward(distance: number, targetRadius: number): number {
  return tolerance(distance, { bounds: [0, targetRadius + FINGER_RADIUS] });
}

export function reacherTask(level: 'easy' | 'hard'): ControlTask {
  let target = -1;
  let finger = -1;
  const toTarget = (p: Physics): [number, number] => {
    const g = p.views.geomXpos;
    return [g[3 * target] - g[3 * finger], g[3 * target + 1] - g[3 * finger + 1]];
  };
  return {
    name: `reacher_${level}`,
    xml: REACHER_XML,
    substeps: 1,
    observations: { position: 2, to_target: 2, velocity: 2 },
    prepare(p) {
      target = p.id('geom', 'target');
      finger = p.id('geom', 'finger');
      (p.model.geom_size as Float64Array)[3 * target] = REACHER_TARGET_RADIUS[level];
    },
    initialize(p: Physics, rng: Rng) {
      randomizeJoints(p, rng);
      const angle = uniform(rng, 0, 2 * Math.PI);
      const radius = uniform(rng, 0.05, 0.2);
      const pos = p.model.geom_pos as Float64Array;
      pos[3 * target] = radius * Math.sin(angle);
      pos[3 * target + 1] = radius * Math.cos(angle);
    },
    observe(p) {
      const { qpos, qvel } = p.views;
      return { position: [qpos[0], qpos[1]], to_target: toTarget(p), velocity: [qvel[0], qvel[1]] };
    },
    reward(p) {
      const [dx, dy] = toTarget(p);
      return reacherReward(Math.hypot(dx, dy), REACHER_TARGET_RADIUS[level]);
    },
  };
}
