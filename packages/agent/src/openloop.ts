/**
 * Open-loop video prediction, as the seed's summaries show it: the posterior filters the first
 * `context` frames of each sequence, then the prior alone predicts the rest from the recorded
 * actions. The strip stacks, per sequence, the truth, the model's images (reconstructions, then
 * predictions) and the error (model − truth + 1) / 2, one column per step.
 */
import * as T from '@dreamer/tensor';
import { type RandomKey, type Tensor, dispose, tidy } from '@dreamer/tensor';
import type { Dreamer, DreamerParams } from '@dreamer/behavior';
import { type Batch, IMAGE_KEY, type RSSMState, postprocessImage, unstackTime } from '@dreamer/world-model';
import { type NamedEpisode, SamplerRng, sampleBatch } from '@dreamer/replay';

export interface OpenLoop {
  /** [B, T, H, W, C] in [0, 1]. */
  truth: Float32Array;
  model: Float32Array;
  shape: [number, number, number, number, number];
  /** Steps the posterior saw before the prior took over. */
  context: number;
  /** Mean |model − truth| over the predicted (open-loop) steps. */
  error: number;
}

/** A [B, T] batch of model inputs from stored episodes (images stay 0..255 floats). */
export function sequenceBatch(episodes: readonly NamedEpisode[], obsKeys: readonly string[], batch: number, length: number, seed: number): Batch {
  const raw = sampleBatch(episodes, new SamplerRng(seed), batch, length);
  const t = (k: string): Tensor => T.tensor(Float32Array.from(raw[k].data as ArrayLike<number>), raw[k].shape as number[]);
  return { obs: Object.fromEntries(obsKeys.map((k) => [k, t(k)])), action: t('action'), reward: t('reward'), discount: t('discount') };
}

function lastStep(state: RSSMState): RSSMState {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, unstackTime(v).at(-1)!])) as RSSMState;
}

/** Predicts `batch`'s images open loop after `context` observed steps. */
export async function openLoop(model: Dreamer, params: DreamerParams, batch: Batch, context: number, key: RandomKey): Promise<OpenLoop> {
  const wm = model.worldModel;
  const head = wm.heads[IMAGE_KEY];
  if (!head) throw new Error(`openLoop: the world model has no '${IMAGE_KEY}' head (observation: proprio)`);
  const [b, t, a] = batch.action.shape;
  const ctx = Math.max(1, Math.min(context, t - 1));
  const images = tidy(() => {
    const [kEnc, kObs, kImg] = key.split(3);
    const p = params.model;
    const embed = wm.encode(p, batch.obs, kEnc);
    const e = embed.shape[2];
    const { post } = wm.rssm.observe(p.rssm, T.slice(embed, [0, 0, 0], [b, ctx, e]), T.slice(batch.action, [0, 0, 0], [b, ctx, a]), kObs);
    const prior = wm.rssm.imagine(p.rssm, T.slice(batch.action, [0, ctx, 0], [b, t - ctx, a]), lastStep(post), kImg);
    const features = T.concat([wm.rssm.features(post), wm.rssm.features(prior)], 1);
    return postprocessImage(head.apply(p.heads[IMAGE_KEY], features).mode());
  });
  const model01 = Float32Array.from(await images.data());
  const shape = images.shape as OpenLoop['shape'];
  images.dispose();
  const pixels = await batch.obs[IMAGE_KEY].data();
  const truth = Float32Array.from(pixels, (v) => v / 255);
  const frame = shape[2] * shape[3] * shape[4];
  let sum = 0;
  let n = 0;
  for (let s = 0; s < b; s++) {
    for (let i = (s * t + ctx) * frame; i < (s + 1) * t * frame; i++, n++) sum += Math.abs(model01[i] - truth[i]);
  }
  return { truth, model: model01, shape, context: ctx, error: n > 0 ? sum / n : 0 };
}

/**
 * RGB rows truth / model / error for up to `maxSequences` sequences: [rows·H, T·W, 3] bytes.
 * Gray images are repeated over the three channels.
 */
export function openLoopStrip(o: OpenLoop, maxSequences = 6): { rgb: Uint8Array; width: number; height: number } {
  const [b, t, h, w, c] = o.shape;
  const n = Math.min(b, maxSequences);
  const width = t * w;
  const height = n * 3 * h;
  const rgb = new Uint8Array(width * height * 3);
  const byte = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let s = 0; s < n; s++) {
    for (let step = 0; step < t; step++) {
      const base = (s * t + step) * h * w * c;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const src = base + (y * w + x) * c;
          const dst = ((s * 3 * h + y) * width + step * w + x) * 3;
          const rowBytes = h * width * 3;
          for (let ch = 0; ch < 3; ch++) {
            const i = src + (c >= 3 ? ch : 0);
            rgb[dst + ch] = byte(o.truth[i]);
            rgb[dst + rowBytes + ch] = byte(o.model[i]);
            rgb[dst + 2 * rowBytes + ch] = byte((o.model[i] - o.truth[i] + 1) / 2);
          }
        }
      }
    }
  }
  return { rgb, width, height };
}

/** Disposes a batch made by sequenceBatch. */
export function disposeBatch(batch: Batch): void {
  dispose([batch.obs, batch.action, batch.reward, ...(batch.discount ? [batch.discount] : [])]);
}
