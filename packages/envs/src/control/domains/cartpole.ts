// Cartpole: a 1 kg cart on a ±1.8 m rail pushed with ±10 N, carrying a free 1 m, 0.1 kg pole.
// Tasks: balance (start near upright) and swingup (start hanging down), each smooth or sparse.
import type { Rng } from '../../rng.ts';
import type { ControlTask } from '../base.ts';
import { model } from '../mjcf.ts';
import type { Physics } from '../physics.ts';
import { normal, uniform } from '../random.ts';
import { tolerance } from '../tolerance.ts';

export const CARTPOLE_XML = model({
  name: 'cartpole',
  option: 'timestep="0.01" integrator="RK4"',
  flags: 'contact="disable" energy="enable"',
  worldbody: `
    <light name="light" pos="0 0 6" dir="0 0 -1"/>
    <camera name="fixed" pos="0 -4 1" xyaxes="1 0 0 0 0 1" fovy="45"/>
    <camera name="lookatcart" mode="targetbody" target="cart" pos="0 -2 2" fovy="45"/>
    <geom name="floor" type="plane" pos="0 0 -.05" size="4 4 .2" material="grid"/>
    <geom name="rail_front" type="capsule" fromto="-2 -.07 1 2 -.07 1" size=".02" material="decoration"/>
    <geom name="rail_back" type="capsule" fromto="-2 .07 1 2 .07 1" size=".02" material="decoration"/>
    <body name="cart" pos="0 0 1">
      <joint name="slider" type="slide" axis="1 0 0" range="-1.8 1.8" solreflimit=".08 1" damping="5e-4"/>
      <geom name="cart" type="box" size=".2 .15 .1" mass="1" material="self"/>
      <body name="pole">
        <joint name="hinge" type="hinge" axis="0 1 0" damping="2e-6"/>
        <geom name="pole" type="capsule" fromto="0 0 0 0 0 1" size=".045" mass=".1" material="self"/>
      </body>
    </body>`,
  actuator: `
    <motor name="slide" joint="slider" gear="10" ctrlrange="-1 1"/>`,
});

const POLE = 2; // body id: world 0, cart 1, pole 2

/** Cart x, and cos/sin of the pole angle from upright. */
export function cartpoleState(p: Physics): { x: number; cos: number; sin: number; xdot: number; thetadot: number } {
  const { qpos, qvel, xmat } = p.views;
  return { x: qpos[0], cos: xmat[9 * POLE + 8], sin: xmat[9 * POLE + 2], xdot: qvel[0], thetadot: qvel[1] };
}

/** dm_control's smooth cartpole reward: upright × centred × small control × small angular velocity. */
export function cartpoleReward(s: { x: number; cos: number; thetadot: number }, u: number, sparse: boolean): number {
  if (sparse) {
    return tolerance(s.x, { bounds: [-0.25, 0.25] }) * tolerance(s.cos, { bounds: [0.995, 1] });
  }
  const upright = (s.cos + 1) / 2;
  const centered = (1 + tolerance(s.x, { margin: 2 })) / 2;
  const smallControl = (4 + tolerance(u, { margin: 1, valueAtMargin: 0, sigmoid: 'quadratic' })) / 5;
  const smallVelocity = (1 + tolerance(s.thetadot, { margin: 5 })) / 2;
  return upright * centered * smallControl * smallVelocity;
}

export function cartpoleTask(kind: 'balance' | 'swingup', sparse: boolean): ControlTask {
  return {
    name: `cartpole_${kind}${sparse ? '_sparse' : ''}`,
    xml: CARTPOLE_XML,
    substeps: 1,
    observations: { position: 3, velocity: 2 },
    initialize(p: Physics, rng: Rng) {
      const { qpos, qvel } = p.views;
      if (kind === 'swingup') {
        qpos[0] = 0.01 * normal(rng);
        qpos[1] = Math.PI + 0.01 * normal(rng);
      } else {
        qpos[0] = uniform(rng, -0.1, 0.1);
        qpos[1] = uniform(rng, -0.034, 0.034);
      }
      qvel[0] = 0.01 * normal(rng);
      qvel[1] = 0.01 * normal(rng);
    },
    observe(p) {
      const s = cartpoleState(p);
      return { position: [s.x, s.cos, s.sin], velocity: [s.xdot, s.thetadot] };
    },
    reward(p) {
      return cartpoleReward(cartpoleState(p), p.views.ctrl[0], sparse);
    },
  };
}
