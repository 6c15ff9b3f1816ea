// Pendulum: a 1 kg bob on a massless 0.5 m rod, driven by a ±1 N·m motor that cannot hold it
// horizontal (4.9 N·m needed), so it must be swung up. Reward 1 within 8° of upright.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { uniform } from '../random.ts';
import { tolerance } from '../tolerance.ts';

export const PENDULUM_XML = model({
  name: 'pendulum',
  option: 'timestep="0.02"',
  flags: 'contact="disable" energy="enable"',
  worldbody: `
    <light name="light" pos="0 0 6" dir="0 0 -1"/>
    <camera name="fixed" pos="0 -1.6 .6" xyaxes="1 0 0 0 0 1" fovy="45"/>
    <camera name="lookat" mode="targetbody" target="pole" pos="0 -2 1.5" fovy="45"/>
    <geom name="floor" type="plane" size="2 2 .2" material="grid"/>
    <geom name="mount" type="cylinder" fromto="0 .02 .6 0 .1 .6" size=".03" material="decoration"/>
    <body name="pole" pos="0 0 .6">
      <joint name="hinge" type="hinge" axis="0 1 0" damping=".1"/>
      <geom name="rod" type="capsule" fromto="0 0 0 0 0 .5" size=".02" mass="0" material="self"/>
      <geom name="bob" type="sphere" pos="0 0 .5" size=".05" mass="1" material="effector"/>
    </body>`,
  actuator: `
    <motor name="torque" joint="hinge" gear="1" ctrlrange="-1 1"/>`,
});

const POLE = 1;
const COS_8_DEG = Math.cos((8 * Math.PI) / 180);

export function pendulumReward(cos: number): number {
  return tolerance(cos, { bounds: [COS_8_DEG, 1] });
}

export function pendulumTask(): ControlTask {
  return {
    name: 'pendulum_swingup',
    xml: PENDULUM_XML,
    substeps: 1,
    observations: { orientation: 2, velocity: 1 },
    initialize(p: Physics, rng: Rng) {
      p.views.qpos[0] = uniform(rng, -Math.PI, Math.PI);
    },
    observe(p) {
      const { xmat, qvel } = p.views;
      return { orientation: [xmat[9 * POLE + 8], xmat[9 * POLE + 2]], velocity: [qvel[0]] };
    },
    reward(p) {
      return pendulumReward(p.views.xmat[9 * POLE + 8]);
    },
  };
}
