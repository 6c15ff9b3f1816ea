import { describe, expect, it } from 'vitest';
import { RandomKey, dispose } from '@dreamer/tensor';
import { dreamer } from '@dreamer/behavior';
import type { NamedEpisode } from '@dreamer/replay';
import { resolveConfig } from './config.ts';
import { makeTaskEnv } from './envs.ts';
import { disposeBatch, openLoop, openLoopStrip, sequenceBatch } from './openloop.ts';
import { dreamerOptions } from './options.ts';
import { FrameRecorder } from './video.ts';

/** An episode whose frame t is filled with the value 20·t + 10·episode, so truth is easy to check. */
function episode(index: number, rows: number): NamedEpisode {
  const image = new Uint8Array(rows * 64 * 64 * 3);
  for (let t = 0; t < rows; t++) image.fill(20 * t + 10 * index, t * 64 * 64 * 3, (t + 1) * 64 * 64 * 3);
  return {
    name: `ep${index}`,
    rows,
    episode: {
      image: { dtype: 'uint8', shape: [rows, 64, 64, 3], data: image },
      action: { dtype: 'float32', shape: [rows, 5], data: new Float32Array(rows * 5) },
      reward: { dtype: 'float32', shape: [rows], data: new Float32Array(rows) },
      discount: { dtype: 'float32', shape: [rows], data: new Float32Array(rows).fill(1) },
    },
  };
}

describe('open-loop prediction', () => {
  it('filters the context frames, predicts the rest with the prior, and lays out truth / model / error rows', async () => {
    const config = resolveConfig({ defaults: ['dreamer', 'debug'], tasks: ['dummy'], cnn_depth: 2, backend: 'cpu' });
    const env = await makeTaskEnv(config, 'dummy');
    const model = dreamer(env.observationSpec, env.actionSpec, dreamerOptions(config, env));
    const params = model.init(RandomKey.fromSeed(0));
    const batch = sequenceBatch([episode(0, 9), episode(1, 9)], ['image'], 3, 7, 1);
    const o = await openLoop(model, params, batch, 5, RandomKey.fromSeed(2));
    disposeBatch(batch);
    dispose(params);
    expect(o.shape).toEqual([3, 7, 64, 64, 3]);
    expect(o.context).toBe(5);
    for (const v of [o.truth[0], o.truth[64 * 64 * 3]]) expect(Math.round(v * 255) % 10).toBe(0);
    expect(o.model.every((v) => v >= 0 && v <= 1)).toBe(true);
    // The error covers the two predicted steps of each sequence only.
    let sum = 0;
    const frame = 64 * 64 * 3;
    for (let s = 0; s < 3; s++) for (let i = (s * 7 + 5) * frame; i < (s + 1) * 7 * frame; i++) sum += Math.abs(o.model[i] - o.truth[i]);
    expect(o.error).toBeCloseTo(sum / (3 * 2 * frame), 6);

    const strip = openLoopStrip(o, 2);
    expect([strip.width, strip.height]).toEqual([7 * 64, 2 * 3 * 64]);
    const at = (row: number, step: number): number[] => {
      const p = ((row * 64) * strip.width + step * 64) * 3;
      return [...strip.rgb.subarray(p, p + 3)];
    };
    const byte = (v: number): number => Math.round(v * 255);
    const i = (1 * 7 + 6) * frame; // sequence 1, step 6, pixel 0
    expect(at(3, 6)).toEqual([0, 1, 2].map((c) => byte(o.truth[i + c])));
    expect(at(4, 6)).toEqual([0, 1, 2].map((c) => byte(o.model[i + c])));
    expect(at(5, 6)).toEqual([0, 1, 2].map((c) => byte((o.model[i + c] - o.truth[i + c] + 1) / 2)));
  });
});

describe('FrameRecorder', () => {
  it('records the image observation of pixel tasks, reset frame first', async () => {
    const config = resolveConfig({ tasks: ['dummy'], action_repeat: 50 });
    const env = new FrameRecorder(await makeTaskEnv(config, 'dummy'));
    expect(env.source).toBe('image');
    const first = env.reset(1).observation.image;
    const second = env.step(new Float32Array(5)).observation.image;
    const frames = env.take();
    expect(frames).toEqual([first, second]);
    expect(env.take()).toEqual([]);
  });

  it('renders the scene of proprio-only control tasks', async () => {
    const config = resolveConfig({ tasks: ['cartpole_swingup'], observation: 'proprio' });
    const env = new FrameRecorder(await makeTaskEnv(config, 'cartpole_swingup'), { size: 32 });
    expect(env.source).toBe('scene');
    expect(env.shape).toEqual({ height: 32, width: 32, channels: 3 });
    env.reset(1);
    env.step(new Float32Array([0.5]));
    const frames = env.take();
    expect(frames).toHaveLength(2);
    expect(frames[0]).toHaveLength(32 * 32 * 3);
    expect(new Set(frames[0]).size).toBeGreaterThan(4);
    env.close();
  });
});
