// Ball in cup: a cup on spring-centred x/z slides, a ball tied to its bottom by a 0.3 m string.
// Catch rewards the ball resting inside the cup.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { collisionFree, uniform } from '../random.ts';

export const CUP_XML = model({
  name: 'ball_in_cup',
  option: 'timestep="0.002"',
  default: `
    <default class="cup">
      <joint type="slide" damping="3" stiffness="20"/>
      <geom type="capsule" size=".008" material="self"/>
    </default>`,
  worldbody: `
    <light name="light" pos="0 0 2" dir="0 0 -1"/>
    <camera name="cam0" pos="0 -1 .8" xyaxes="1 0 0 0 .287 .958" fovy="45"/>
    <camera name="cam1" pos="0 -1 .6" xyaxes="1 0 0 0 0 1" fovy="45"/>
    <geom name="ground" type="plane" size=".6 .2 10" material="grid"/>
    <body name="cup" pos="0 0 .6" childclass="cup">
      <joint name="cup_x" axis="1 0 0"/>
      <joint name="cup_z" axis="0 0 1"/>
      <geom name="cup_side_left" fromto="-.05 0 0 -.05 0 -.075"/>
      <geom name="cup_bevel_left" fromto="-.05 0 -.075 -.025 0 -.1"/>
      <geom name="cup_bottom" fromto="-.025 0 -.1 .025 0 -.1"/>
      <geom name="cup_bevel_right" fromto=".025 0 -.1 .05 0 -.075"/>
      <geom name="cup_side_right" fromto=".05 0 -.075 .05 0 0"/>
      <site name="cup" pos="0 0 -.108" size=".005" rgba="0 0 0 0"/>
      <site name="target" type="box" pos="0 0 -.05" size=".05 .006 .05" rgba="0 0 0 0"/>
    </body>
    <body name="ball" pos="0 0 .2">
      <joint name="ball_x" type="slide" axis="1 0 0"/>
      <joint name="ball_z" type="slide" axis="0 0 1"/>
      <geom name="ball" type="sphere" size=".025" material="effector"/>
      <site name="ball" size=".005" rgba="0 0 0 0"/>
    </body>`,
  tendon: `
    <spatial name="string" range="0 .3" width=".003" rgba=".3 .3 .3 1">
      <site site="ball"/>
      <site site="cup"/>
    </spatial>`,
  actuator: `
    <motor name="x" joint="cup_x" gear="5" ctrlrange="-1 1"/>
    <motor name="z" joint="cup_z" gear="5" ctrlrange="-1 1"/>`,
});

const TARGET_HALF = 0.05;
const BALL_RADIUS = 0.025;

/** 1 while the ball centre lies in the cup's target box shrunk by the ball radius (x and z). */
export function cupCatchReward(dx: number, dz: number): number {
  const room = TARGET_HALF - BALL_RADIUS;
  return Math.abs(dx) <= room && Math.abs(dz) <= room ? 1 : 0;
}

export function cupTask(): ControlTask {
  let ball = 0;
  let target = 0;
  return {
    name: 'cup_catch',
    xml: CUP_XML,
    substeps: 10,
    observations: { position: 4, velocity: 4 },
    prepare(p) {
      ball = p.id('body', 'ball');
      target = p.id('site', 'target');
    },
    initialize(p: Physics, rng: Rng) {
      collisionFree(
        p,
        () => {
          const qpos = p.views.qpos;
          qpos[2] = uniform(rng, -0.2, 0.2);
          qpos[3] = uniform(rng, 0.2, 0.5);
        },
        'cup_catch',
      );
    },
    observe(p) {
      const { qpos, qvel } = p.views;
      return { position: qpos.subarray(0, 4), velocity: qvel.subarray(0, 4) };
    },
    reward(p) {
      const { xpos, siteXpos } = p.views;
      return cupCatchReward(xpos[3 * ball] - siteXpos[3 * target], xpos[3 * ball + 2] - siteXpos[3 * target + 2]);
    },
  };
}
