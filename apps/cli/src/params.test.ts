import { describe, expect, it } from 'vitest';
import { collectParams, parseParams, parseSetting } from './params.ts';

describe('parseParams', () => {
  it('reads the seed README strings', () => {
    expect(parseParams('{defaults: [dreamer, debug], tasks: [dummy]}')).toEqual({ defaults: ['dreamer', 'debug'], tasks: ['dummy'] });
    expect(parseParams('{defaults: [dreamer, pcont, discrete, atari], tasks: [atari_boxing]}').defaults).toEqual(['dreamer', 'pcont', 'discrete', 'atari']);
  });
  it('treats # as a comma and True/False as booleans (YAML 1.1)', () => {
    expect(parseParams('{defaults: [dreamer# debug]# value_head: False# batch_shape: [5# 10]}')).toEqual({
      defaults: ['dreamer', 'debug'],
      value_head: false,
      batch_shape: [5, 10],
    });
  });
  it('rejects non-mappings and bad YAML with the expected form', () => {
    expect(() => parseParams('[1, 2]')).toThrow(/expected a mapping/);
    expect(() => parseParams('{a: [}')).toThrow(/not valid YAML/);
  });
});

describe('collectParams', () => {
  it('folds --configs, --task and --set over --params', () => {
    const p = collectParams({ params: '{defaults: [dreamer], tasks: [walker_run]}', configs: 'debug', task: 'dummy', set: ['batch_shape=[2,8]', 'model_lr=1e-3', 'value_head=False'] });
    expect(p).toEqual({ defaults: ['dreamer', 'debug'], tasks: ['dummy'], batch_shape: [2, 8], model_lr: 1e-3, value_head: false });
  });
  it('rejects a --set without =', () => {
    expect(() => parseSetting('model_lr')).toThrow(/expected key=value/);
  });
});
