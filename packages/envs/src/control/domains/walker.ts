// Walker: a planar 28.5 kg biped (torso, two thigh–leg–foot chains) whose body parts collide
// only with the floor. Tasks reward an upright, high torso, times forward speed for walk/run.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { randomizeJoints } from '../random.ts';
import { tolerance } from '../tolerance.ts';

function legXml(side: 'right' | 'left', y: number, material: string): string {
  return `
      <body name="${side}_thigh" pos="0 ${y} -.3">
        <joint name="${side}_hip" range="-20 100"/>
        <geom name="${side}_thigh" pos="0 0 -.225" size=".05 .225" material="${material}"/>
        <body name="${side}_leg" pos="0 0 -.45">
          <joint name="${side}_knee" range="-150 0"/>
          <geom name="${side}_leg" pos="0 0 -.25" size=".04 .25" material="${material}"/>
          <body name="${side}_foot" pos="0 0 -.5">
            <joint name="${side}_ankle" range="-45 45"/>
            <geom name="${side}_foot" fromto="-.04 0 0 .16 0 0" size=".05" material="${material}"/>
          </body>
        </body>
      </body>`;
}

export const WALKER_XML = model({
  name: 'walker',
  option: 'timestep="0.0025"',
  default: `
    <default class="walker">
      <joint type="hinge" axis="0 -1 0" damping=".1" armature=".01" solimplimit="0 .99 .01"/>
      <geom type="capsule" contype="1" conaffinity="0" friction=".7 .1 .1"/>
    </default>`,
  worldbody: `
    <light name="light" pos="0 0 6" dir="0 0 -1"/>
    <geom name="floor" type="plane" size="0 0 .25" conaffinity="1" friction=".7 .1 .1" material="grid"/>
    <body name="torso" pos="0 0 1.3" childclass="walker">
      <light name="torso_light" pos="0 0 2" dir="0 0 -1" mode="trackcom"/>
      <camera name="side" pos="0 -2 .7" xyaxes="1 0 0 0 .5 .866" mode="trackcom" fovy="45"/>
      <camera name="back" pos="-2 0 .5" xyaxes="0 -1 0 .5 0 2" mode="trackcom" fovy="45"/>
      <joint name="rootz" type="slide" axis="0 0 1" damping="0" armature="0"/>
      <joint name="rootx" type="slide" axis="1 0 0" damping="0" armature="0"/>
      <joint name="rooty" type="hinge" axis="0 -1 0" damping="0" armature="0"/>
      <geom name="torso" size=".07 .3" material="self"/>` +
    legXml('right', -0.05, 'self') +
    legXml('left', 0.05, 'effector') +
    `
    </body>`,
  actuator: ['right', 'left']
    .flatMap((s) => [
      `\n    <motor name="${s}_hip" joint="${s}_hip" gear="100" ctrlrange="-1 1"/>`,
      `\n    <motor name="${s}_knee" joint="${s}_knee" gear="50" ctrlrange="-1 1"/>`,
      `\n    <motor name="${s}_ankle" joint="${s}_ankle" gear="20" ctrlrange="-1 1"/>`,
    ])
    .join(''),
  sensor: `
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>`,
});

const STAND_HEIGHT = 1.2;
export const WALKER_SPEEDS = { stand: 0, walk: 1, run: 8 } as const;

/** dm_control's walker reward from torso height, torso zz (uprightness) and COM x-velocity. */
export function walkerReward(height: number, upright: number, speed: number, moveSpeed: number): number {
  const standing = tolerance(height, { bounds: [STAND_HEIGHT, Infinity], margin: STAND_HEIGHT / 2 });
  const stand = (3 * standing + (1 + upright) / 2) / 4;
  if (moveSpeed === 0) return stand;
  const move = tolerance(speed, {
    bounds: [moveSpeed, Infinity],
    margin: moveSpeed / 2,
    valueAtMargin: 0.5,
    sigmoid: 'linear',
  });
  return (stand * (5 * move + 1)) / 6;
}

const TORSO = 1;
const BODIES = 7;

export function walkerTask(kind: keyof typeof WALKER_SPEEDS): ControlTask {
  let speedAdr = 0;
  return {
    name: `walker_${kind}`,
    xml: WALKER_XML,
    substeps: 10,
    observations: { orientations: 2 * BODIES, height: 1, velocity: 9 },
    prepare(p) {
      speedAdr = p.sensorAdr('torso_subtreelinvel');
    },
    initialize(p: Physics, rng: Rng) {
      randomizeJoints(p, rng);
    },
    observe(p) {
      const { xmat, xpos, qvel } = p.views;
      const orientations: number[] = [];
      for (let b = 1; b <= BODIES; b++) orientations.push(xmat[9 * b], xmat[9 * b + 2]);
      return { orientations, height: [xpos[3 * TORSO + 2]], velocity: qvel.subarray(0, 9) };
    },
    reward(p) {
      const { xmat, xpos, sensordata } = p.views;
      return walkerReward(xpos[3 * TORSO + 2], xmat[9 * TORSO + 8], sensordata[speedAdr], WALKER_SPEEDS[kind]);
    },
  };
}
