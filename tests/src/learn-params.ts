/** The proprio learning check's configuration (learning.learn.test.ts), shared with experiment scripts. */
export const TASK = 'cartpole_swingup';

export const LEARN_PARAMS = {
  tasks: [TASK],
  observation: 'proprio',
  backend: 'webgpu',
  seed: 0,
  batch_shape: [8, 32],
  model_size: 64,
  state_size: 16,
  num_units: 64,
  encoder_units: 64,
  encoder_layers: 2,
  imagination_horizon: 12,
  num_seed_episodes: 5,
  num_seed_steps: 1000,
  // 25 updates (200 sequences of 8) per phase; a 500-step train episode and an evaluation episode each.
  train_steps: 200,
  collect_every: 200,
  max_steps: 1_000_000,
  model_lr: 1e-3,
  action_lr: 3e-4,
  value_lr: 3e-4,
  action_init_std: 1,
  actor_warmup: 150,
  action_entropy: 1e-3,
  action_mode: 'analytic',
};
