import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, PRESETS, resolveConfig, updatesPerPhase } from './config.ts';

describe('resolveConfig', () => {
  it('returns the seed defaults when given nothing', () => {
    const c = resolveConfig();
    expect(c.batch_shape).toEqual([50, 50]);
    expect(c.model_size).toBe(200);
    expect(c.state_size).toBe(30);
    expect(c.free_nats).toBe(3);
    expect(c.adam_epsilon).toBe(1e-4);
    expect(updatesPerPhase(c)).toBe(1000);
  });

  it('merges presets in order and lets explicit params win', () => {
    const c = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['dummy'], action_repeat: 25 });
    expect(c.tasks).toEqual(['dummy']);
    expect(c.model_size).toBe(10);
    expect(c.batch_shape).toEqual([5, 10]);
    expect(c.action_repeat).toBe(25);
    expect(c.train_planner).toBe('policy_sample');
    expect(updatesPerPhase(c)).toBe(2);
    const later = resolveConfig({ defaults: ['dreamer', 'actor'] });
    expect(later.value_head).toBe(false);
    expect(later.planner_objective).toBe('reward');
  });

  it('applies planet, pcont, discrete and atari as the seed', () => {
    const c = resolveConfig({ defaults: ['planet'] });
    expect([c.train_planner, c.action_head, c.imagination_horizon]).toEqual(['cem', false, 0]);
    const d = resolveConfig({ defaults: ['dreamer', 'pcont', 'discrete', 'atari'] });
    expect(d.gradient_heads).toEqual(['image', 'reward', 'pcont']);
    expect(d.action_head_dist).toBe('onehot_score');
    expect(d.clip_rewards).toBe('tanh');
    expect(d.max_length).toBe(27000);
  });

  it('does not let a resolved config alias the presets', () => {
    const c = resolveConfig({ defaults: ['debug'] });
    c.batch_shape[0] = 99;
    expect(PRESETS.debug.batch_shape).toEqual([5, 10]);
    expect(DEFAULTS.batch_shape).toEqual([50, 50]);
  });

  it('accepts the seed’s spellings of renamed keys, and refuses both spellings at once', () => {
    const c = resolveConfig({ action_head_init_std: 1, action_head_min_std: 0.1, proprio_encoder_num_layers: 2, proprio_encoder_units: 64, optimizer_epsilon: 1e-7, planner_iterations: 3, planner_beams: 50, planner_topk: 5 });
    expect(c).toMatchObject({ action_init_std: 1, action_min_std: 0.1, encoder_layers: 2, encoder_units: 64, adam_epsilon: 1e-7, cem_iterations: 3, cem_amount: 50, cem_topk: 5 });
    expect(() => resolveConfig({ optimizer_epsilon: 1e-7, adam_epsilon: 1e-4 })).toThrow(/both 'optimizer_epsilon' .* and 'adam_epsilon'/);
    expect(() => resolveConfig({ planner_beams: 'many' })).toThrow(/config cem_amount: got "many"/);
  });

  it('rejects unknown keys with the nearest valid one', () => {
    expect(() => resolveConfig({ batch_shap: [1, 2] })).toThrow(/Found unused config overrides: 'batch_shap' \(did you mean 'batch_shape'\?\)/);
    expect(() => resolveConfig({ defaults: ['dreemer'] })).toThrow(/unknown preset "dreemer" \(did you mean 'dreamer'\?\)/);
  });

  it('type-checks values against the defaults', () => {
    expect(() => resolveConfig({ model_size: 'big' })).toThrow(ConfigError);
    expect(() => resolveConfig({ model_size: 'big' })).toThrow(/model_size: got "big" \(string\), expected a number/);
    expect(() => resolveConfig({ backend: 'cuda' })).toThrow(/backend: got "cuda", expected one of "webgpu", "cpu"/);
    expect(() => resolveConfig({ batch_shape: [5, 1] })).toThrow(/batch_shape/);
    expect(() => resolveConfig({ action_repeat: 0 })).toThrow(/action_repeat: got 0, expected a positive integer/);
    expect(() => resolveConfig({ defaults: ['planet'], train_planner: 'policy_sample' })).toThrow(/needs the action head/);
  });
});
