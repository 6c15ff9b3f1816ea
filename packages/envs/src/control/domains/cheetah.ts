// Cheetah: a planar 14 kg runner (torso, head, two three-segment legs, all capsules of radius
// 0.046) with springy, damped joints. Reward grows linearly with forward speed up to 10 m/s.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model, num, segment } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { uniform } from '../random.ts';
import { tolerance } from '../tolerance.ts';

interface Limb {
  name: string;
  /** Degrees: joint range, and the segment's direction below +x in the rest pose. */
  range: [number, number];
  angle: number;
  halfLength: number;
  stiffness: number;
  damping: number;
  gear: number;
}

// Rest-pose directions are our own choice (a crouched quadruped stance); lengths, ranges,
// stiffness, damping and gears are the suite's.
const BACK: Limb[] = [
  { name: 'bthigh', range: [-30, 60], angle: 55, halfLength: 0.145, stiffness: 240, damping: 6, gear: 120 },
  { name: 'bshin', range: [-50, 50], angle: 155, halfLength: 0.15, stiffness: 180, damping: 4.5, gear: 90 },
  { name: 'bfoot', range: [-230, 50], angle: 60, halfLength: 0.094, stiffness: 120, damping: 3, gear: 60 },
];
const FRONT: Limb[] = [
  { name: 'fthigh', range: [-57, 0.4], angle: 120, halfLength: 0.133, stiffness: 180, damping: 4.5, gear: 90 },
  { name: 'fshin', range: [-70, 50], angle: 70, halfLength: 0.106, stiffness: 120, damping: 3, gear: 60 },
  { name: 'ffoot', range: [-28, 28], angle: 60, halfLength: 0.07, stiffness: 60, damping: 1.5, gear: 30 },
];

function leg(limbs: Limb[], hipX: number, indent: string): string {
  let xml = '';
  let pos = `${num(hipX)} 0 0`;
  limbs.forEach((l, i) => {
    const s = segment([0, 0], l.angle, 2 * l.halfLength);
    const pad = indent + '  '.repeat(i);
    xml +=
      `\n${pad}<body name="${l.name}" pos="${pos}">` +
      `\n${pad}  <joint name="${l.name}" range="${l.range[0]} ${l.range[1]}" stiffness="${l.stiffness}" damping="${l.damping}"/>` +
      `\n${pad}  <geom name="${l.name}" fromto="${s.fromto}"${i === 2 ? ' material="effector"' : ''}/>`;
    pos = `${num(s.end[0])} 0 ${num(s.end[1])}`;
  });
  for (let i = limbs.length - 1; i >= 0; i--) xml += `\n${indent}${'  '.repeat(i)}</body>`;
  return xml;
}

const HEAD = segment([0.6 - 0.15 * Math.cos((50 * Math.PI) / 180), 0.1 - 0.15 * Math.sin((50 * Math.PI) / 180)], -50, 0.3);

export const CHEETAH_XML = model({
  name: 'cheetah',
  compiler: 'settotalmass="14"',
  option: 'timestep="0.01"',
  default: `
    <default class="cheetah">
      <joint type="hinge" axis="0 1 0" armature=".1"/>
      <geom type="capsule" size=".046" material="self" friction=".4 .1 .1"/>
    </default>`,
  worldbody: `
    <light name="light" pos="0 0 6" dir="0 0 -1"/>
    <geom name="ground" type="plane" size="0 0 .1" friction=".4 .1 .1" material="grid"/>
    <body name="torso" pos="0 0 .7" childclass="cheetah">
      <light name="torso_light" pos="0 0 3" dir="0 0 -1" mode="trackcom"/>
      <camera name="side" pos="0 -3 0" xyaxes="1 0 0 0 0 1" mode="trackcom" fovy="45"/>
      <camera name="back" pos="-2 -.5 .6" xyaxes=".24 -.97 0 .29 .07 .95" mode="trackcom" fovy="45"/>
      <joint name="rootx" type="slide" axis="1 0 0" armature="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" armature="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" armature="0"/>
      <geom name="torso" fromto="-.5 0 0 .5 0 0"/>
      <geom name="head" fromto="${HEAD.fromto}"/>` +
    leg(BACK, -0.5, '      ') +
    leg(FRONT, 0.5, '      ') +
    `
    </body>`,
  actuator: [...BACK, ...FRONT].map((l) => `\n    <motor name="${l.name}" joint="${l.name}" gear="${l.gear}" ctrlrange="-1 1"/>`).join(''),
  sensor: `
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>`,
});

export function cheetahReward(speed: number): number {
  return tolerance(speed, { bounds: [10, Infinity], margin: 10, valueAtMargin: 0, sigmoid: 'linear' });
}

export function cheetahTask(): ControlTask {
  let speedAdr = 0;
  return {
    name: 'cheetah_run',
    xml: CHEETAH_XML,
    substeps: 1,
    observations: { position: 8, velocity: 9 },
    prepare(p) {
      speedAdr = p.sensorAdr('torso_subtreelinvel');
    },
    initialize(p: Physics, rng: Rng) {
      const qpos = p.views.qpos;
      for (const j of p.joints()) {
        if (j.range[0] < j.range[1]) qpos[j.qposAdr] = uniform(rng, j.range[0], j.range[1]);
      }
      // Let it drop onto its feet before the episode starts, as the suite does.
      p.forward();
      p.step(200);
      p.time = 0;
    },
    observe(p) {
      const { qpos, qvel } = p.views;
      return { position: qpos.subarray(1, 9), velocity: qvel.subarray(0, 9) };
    },
    reward(p) {
      return cheetahReward(p.views.sensordata[speedAdr]);
    },
  };
}
