// The DeepMind Control Suite tasks implemented here, by registry name.
import { ControlEnv, type ControlOptions, type ControlTask } from './base.ts';
import { cartpoleTask } from './domains/cartpole.ts';
import { cheetahTask } from './domains/cheetah.ts';
import { cupTask } from './domains/cup.ts';
import { fingerTask } from './domains/finger.ts';
import { hopperTask } from './domains/hopper.ts';
import { pendulumTask } from './domains/pendulum.ts';
import { reacherTask } from './domains/reacher.ts';
import { walkerTask } from './domains/walker.ts';

export const CONTROL_TASKS = {
  cartpole_balance: () => cartpoleTask('balance', false),
  cartpole_balance_sparse: () => cartpoleTask('balance', true),
  cartpole_swingup: () => cartpoleTask('swingup', false),
  cartpole_swingup_sparse: () => cartpoleTask('swingup', true),
  cheetah_run: cheetahTask,
  cup_catch: cupTask,
  finger_spin: fingerTask,
  hopper_hop: () => hopperTask('hop'),
  hopper_stand: () => hopperTask('stand'),
  pendulum_swingup: pendulumTask,
  reacher_easy: () => reacherTask('easy'),
  reacher_hard: () => reacherTask('hard'),
  walker_run: () => walkerTask('run'),
  walker_stand: () => walkerTask('stand'),
  walker_walk: () => walkerTask('walk'),
} satisfies Record<string, () => ControlTask>;

export type ControlTaskName = keyof typeof CONTROL_TASKS;

export function isControlTaskName(name: string): name is ControlTaskName {
  return Object.hasOwn(CONTROL_TASKS, name);
}

/** Build a control task (MuJoCo must be loaded: see loadMujoco). */
export function makeControlEnv(name: ControlTaskName, options: ControlOptions = {}): ControlEnv {
  return new ControlEnv(CONTROL_TASKS[name](), options);
}

/** One factory per control task, for the registry. */
export function controlFactories(): Record<ControlTaskName, (options: object) => ControlEnv> {
  const out: Partial<Record<ControlTaskName, (options: object) => ControlEnv>> = {};
  for (const name of Object.keys(CONTROL_TASKS) as ControlTaskName[]) {
    out[name] = (options) => makeControlEnv(name, options as ControlOptions);
  }
  return out as Record<ControlTaskName, (options: object) => ControlEnv>;
}
