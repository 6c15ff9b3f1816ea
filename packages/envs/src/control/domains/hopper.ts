// Hopper: a planar one-legged 12.4 kg robot (torso with nose, pelvis, thigh, calf, foot) with
// touch sensors under toe and heel. Stand rewards height; hop also rewards forward speed.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { randomizeJoints } from '../random.ts';
import { tolerance } from '../tolerance.ts';

export const HOPPER_XML = model({
  name: 'hopper',
  option: 'timestep="0.005"',
  default: `
    <default class="hopper">
      <joint type="hinge" axis="0 1 0" damping=".05" armature=".2"/>
      <geom type="capsule" material="self"/>
      <site type="sphere" size=".05" rgba="0 0 0 0"/>
    </default>`,
  worldbody: `
    <light name="light" pos="0 0 6" dir="0 0 -1"/>
    <geom name="floor" type="plane" size="0 0 .25" material="grid"/>
    <body name="torso" pos="0 0 1" childclass="hopper">
      <light name="torso_light" pos="0 0 2" dir="0 0 -1" mode="trackcom"/>
      <camera name="cam0" pos="0 -2.8 .8" xyaxes="1 0 0 0 .2 1" mode="trackcom" fovy="45"/>
      <camera name="back" pos="-2 -.2 1.2" xyaxes=".2 -1 0 .5 0 2" mode="trackcom" fovy="45"/>
      <joint name="rootx" type="slide" axis="1 0 0" damping="0" armature="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" damping="0" armature="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" damping="0" armature="0"/>
      <geom name="torso" fromto="0 0 -.125 0 0 .125" size=".0653"/>
      <geom name="nose" fromto=".08 0 .13 .18 0 .13" size=".03" material="effector"/>
      <body name="pelvis" pos="0 0 -.125">
        <joint name="waist" range="-30 30"/>
        <geom name="pelvis" fromto="0 0 0 0 0 -.15" size=".065"/>
        <body name="thigh" pos="0 0 -.15">
          <joint name="hip" range="-170 10"/>
          <geom name="thigh" fromto="0 0 0 0 0 -.33" size=".04"/>
          <body name="calf" pos="0 0 -.33">
            <joint name="knee" range="5 150"/>
            <geom name="calf" fromto="0 0 0 0 0 -.32" size=".03"/>
            <body name="foot" pos="0 0 -.32">
              <joint name="ankle" range="-45 45"/>
              <geom name="foot" fromto="-.08 0 0 .17 0 0" size=".04" material="effector"/>
              <site name="toe" pos=".17 0 0"/>
              <site name="heel" pos="-.08 0 0"/>
            </body>
          </body>
        </body>
      </body>
    </body>`,
  actuator: `
    <motor name="waist" joint="waist" gear="30" ctrlrange="-1 1"/>
    <motor name="hip" joint="hip" gear="40" ctrlrange="-1 1"/>
    <motor name="knee" joint="knee" gear="30" ctrlrange="-1 1"/>
    <motor name="ankle" joint="ankle" gear="10" ctrlrange="-1 1"/>`,
  sensor: `
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>
    <touch name="touch_toe" site="toe"/>
    <touch name="touch_heel" site="heel"/>`,
});

/** Stand: upright height × small control. Hop: upright height × forward speed. */
export function hopperReward(height: number, speed: number, control: ArrayLike<number>, hop: boolean): number {
  const standing = tolerance(height, { bounds: [0.6, 2] });
  if (hop) return standing * tolerance(speed, { bounds: [2, Infinity], margin: 1, valueAtMargin: 0.5, sigmoid: 'linear' });
  let small = 0;
  for (let i = 0; i < control.length; i++) {
    small += tolerance(control[i], { margin: 1, valueAtMargin: 0, sigmoid: 'quadratic' });
  }
  return (standing * (4 + small / control.length)) / 5;
}

export function hopperTask(kind: 'stand' | 'hop'): ControlTask {
  let torso = 0;
  let foot = 0;
  let speedAdr = 0;
  let toeAdr = 0;
  let heelAdr = 0;
  return {
    name: `hopper_${kind}`,
    xml: HOPPER_XML,
    substeps: 4,
    observations: { position: 6, velocity: 7, touch: 2 },
    prepare(p) {
      torso = p.id('body', 'torso');
      foot = p.id('body', 'foot');
      speedAdr = p.sensorAdr('torso_subtreelinvel');
      toeAdr = p.sensorAdr('touch_toe');
      heelAdr = p.sensorAdr('touch_heel');
    },
    initialize(p: Physics, rng: Rng) {
      randomizeJoints(p, rng);
    },
    observe(p) {
      const { qpos, qvel, sensordata } = p.views;
      return {
        position: qpos.subarray(1, 7),
        velocity: qvel.subarray(0, 7),
        touch: [Math.log1p(sensordata[toeAdr]), Math.log1p(sensordata[heelAdr])],
      };
    },
    reward(p) {
      const { xipos, sensordata, ctrl } = p.views;
      const height = xipos[3 * torso + 2] - xipos[3 * foot + 2];
      return hopperReward(height, sensordata[speedAdr], ctrl, kind === 'hop');
    },
  };
}
