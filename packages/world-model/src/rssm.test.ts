import { describe, expect, it } from 'vitest';
import { RandomKey, dispose, randomNormal, randomUniform, tidy } from '@dreamer/tensor';
import { WORLD_MODEL_DEFAULTS, rssm } from './index.ts';

const config = { ...WORLD_MODEL_DEFAULTS, deter: 6, stoch: 3, hidden: 5, dtype: 'f64' as const };
const cell = rssm(config, 2, 4);
const params = cell.init(RandomKey.fromSeed(0));
const B = 2;
const T = 4;
const k = RandomKey.fromSeed(1).split(3);
const embed = randomNormal(k[0], [B, T, 4], { dtype: 'f64' });
const action = randomUniform(k[1], [B, T, 2], { low: -1, high: 1, dtype: 'f64' });
const arr = (x: { dataSync(): ArrayLike<number> }) => Array.from(x.dataSync());

describe('rssm', () => {
  it('observe: posts and priors [B, T, ·]; the posterior keeps the prior’s deter; std ≥ minStd', () => {
    tidy(() => {
      const { post, prior } = cell.observe(params, embed, action, k[2]);
      expect(post.stoch.shape).toEqual([B, T, 3]);
      expect(prior.deter.shape).toEqual([B, T, 6]);
      expect(cell.features(post).shape).toEqual([B, T, 9]);
      expect(arr(post.deter)).toEqual(arr(prior.deter));
      expect(Math.min(...arr(post.std), ...arr(prior.std))).toBeGreaterThan(0.1);
      expect(arr(cell.dist(post).kl(cell.dist(prior))).every((v) => v >= 0)).toBe(true);
    });
  });

  it('observe is obsStep applied in turn from the zero state, step t with key.split(T)[t]', () => {
    tidy(() => {
      const { post } = cell.observe(params, embed, action, k[2]);
      const keys = k[2].split(T);
      let state = cell.initialState(B);
      expect(arr(state.deter).every((v) => v === 0)).toBe(true);
      for (let t = 0; t < T; t++) {
        const at = (x: typeof embed) => x.slice([0, t, 0], [B, 1, x.shape[2]]).reshape([B, x.shape[2]]);
        state = cell.obsStep(params, state, at(action), at(embed), keys[t]).post;
        expect(arr(state.stoch)).toEqual(arr(post.stoch.slice([0, t, 0], [B, 1, 3])));
      }
    });
  });

  it('imagine is imgStep applied in turn; it never reads an observation', () => {
    tidy(() => {
      const start = cell.observe(params, embed, action, k[2]).post;
      const last = Object.fromEntries(Object.entries(start).map(([n, x]) => [n, x.slice([0, T - 1, 0], [B, 1, x.shape[2]]).reshape([B, x.shape[2]])])) as typeof start;
      const rollout = cell.imagine(params, action, last, k[0]);
      expect(rollout.deter.shape).toEqual([B, T, 6]);
      const keys = k[0].split(T);
      let state = last;
      for (let t = 0; t < T; t++) state = cell.imgStep(params, state, action.slice([0, t, 0], [B, 1, 2]).reshape([B, 2]), keys[t]);
      expect(arr(state.deter)).toEqual(arr(rollout.deter.slice([0, T - 1, 0], [B, 1, 6])));
    });
  });

  it('rejects mismatched sequences', () => {
    expect(() => cell.observe(params, embed, action.slice([0, 0, 0], [B, 2, 2]), k[2])).toThrow(/embed is \[2, 4, 4\] but action is \[2, 2, 2\]/);
  });

  it.each(['block', 'keras'] as const)('%s GRU sizes', (gru) => {
    const p = rssm({ ...WORLD_MODEL_DEFAULTS, gru }, 6, 1024).init(RandomKey.fromSeed(2));
    expect(Object.keys(p.cell)).toEqual(gru === 'block' ? ['kernel_ru', 'bias_ru', 'kernel_c', 'bias_c'] : ['kernel', 'recurrent_kernel', 'bias']);
    dispose(p);
  });
});
