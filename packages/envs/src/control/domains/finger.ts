// Finger: a two-link planar finger (no gravity) flicks a free-spinning body on a hinge.
// Spin rewards the spinner turning at 15 rad/s or faster in the negative direction.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { collisionFree, randomizeJoints } from '../random.ts';

export const FINGER_XML = model({
  name: 'finger',
  option: 'timestep="0.01" cone="elliptic" iterations="200"',
  flags: 'gravity="disable"',
  default: `
    <geom solimp="0 .9 .01" solref=".02 1"/>
    <default class="finger">
      <joint type="hinge" axis="0 -1 0" damping="2.5"/>
      <geom type="capsule" material="self"/>
      <site type="box" rgba="0 0 0 0"/>
    </default>
    <default class="decoration">
      <geom type="cylinder" material="decoration" contype="0" conaffinity="0"/>
    </default>`,
  worldbody: `
    <light name="light" pos="0 0 2" dir="0 0 -1"/>
    <camera name="cam0" pos="0 -1 .8" xyaxes="1 0 0 0 .371 .928" fovy="45"/>
    <camera name="cam1" pos="0 -.7 .7" xyaxes="1 0 0 0 .394 .919" fovy="45"/>
    <geom name="ground" type="plane" size=".6 .2 10" material="grid"/>
    <body name="proximal" pos="-.2 0 .4" childclass="finger">
      <geom name="proximal_decoration" class="decoration" fromto="0 -.033 0 0 .033 0" size=".034"/>
      <joint name="proximal" range="-110 110" ref="-90"/>
      <geom name="proximal" fromto="0 0 0 0 0 -.17" size=".03"/>
      <body name="distal" pos="0 0 -.18">
        <joint name="distal" range="-110 110"/>
        <geom name="distal" fromto="0 0 0 0 0 -.16" size=".028" contype="0" conaffinity="0"/>
        <geom name="fingertip" fromto="0 0 -.13 0 0 -.16" size=".03" material="effector"/>
        <site name="touchtop" pos=".02 0 -.145" size=".02 .03 .04"/>
        <site name="touchbottom" pos="-.02 0 -.145" size=".02 .03 .04"/>
      </body>
    </body>
    <body name="spinner" pos=".2 0 .4">
      <joint name="hinge" type="hinge" axis="0 -1 0" damping=".5" frictionloss=".1"/>
      <geom name="hinge_decoration" class="decoration" fromto="0 -.04 0 0 .04 0" size=".02"/>
      <geom name="cap1" type="capsule" fromto=".02 0 -.05 .02 0 .13" size=".04" material="self"/>
      <geom name="cap2" type="capsule" fromto="-.02 0 -.05 -.02 0 .13" size=".04" material="self"/>
      <site name="tip" type="sphere" pos="0 0 .13" size=".02" rgba="0 0 0 0"/>
    </body>`,
  actuator: `
    <motor name="proximal" joint="proximal" gear="30" ctrlrange="-1 1"/>
    <motor name="distal" joint="distal" gear="15" ctrlrange="-1 1"/>`,
  sensor: `
    <touch name="touchtop" site="touchtop"/>
    <touch name="touchbottom" site="touchbottom"/>`,
});

export const SPIN_VELOCITY = 15;

/** 1 while the spinner turns at ≤ −15 rad/s. */
export function fingerSpinReward(hingeVelocity: number): number {
  return hingeVelocity <= -SPIN_VELOCITY ? 1 : 0;
}

export function fingerTask(): ControlTask {
  let spinner = 0;
  let tip = 0;
  let top = 0;
  let bottom = 0;
  return {
    name: 'finger_spin',
    xml: FINGER_XML,
    substeps: 2,
    observations: { position: 4, velocity: 3, touch: 2 },
    prepare(p) {
      spinner = p.id('body', 'spinner');
      tip = p.id('site', 'tip');
      top = p.sensorAdr('touchtop');
      bottom = p.sensorAdr('touchbottom');
      // The spin task lets the spinner coast: far less damping than the model's default.
      (p.model.dof_damping as Float64Array)[p.dofAdr('hinge')] = 0.03;
    },
    initialize(p: Physics, rng: Rng) {
      collisionFree(p, () => randomizeJoints(p, rng), 'finger_spin');
    },
    observe(p) {
      const { qpos, qvel, xpos, siteXpos, sensordata } = p.views;
      return {
        position: [qpos[0], qpos[1], siteXpos[3 * tip] - xpos[3 * spinner], siteXpos[3 * tip + 2] - xpos[3 * spinner + 2]],
        velocity: [qvel[0], qvel[1], qvel[2]],
        touch: [Math.log1p(sensordata[top]), Math.log1p(sensordata[bottom])],
      };
    },
    reward(p) {
      return fingerSpinReward(p.views.qvel[2]);
    },
  };
}
