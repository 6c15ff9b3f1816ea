/**
 * Dreamer as the loop's Learner: acts with the posterior state it carries across steps (reset
 * at episode start), stores episodes in the replay, and trains on uniformly sampled sequences.
 *
 * Checkpoints are one safetensors file: every tensor of params and optimiser state by its tree
 * path, and the rest (Adam step counts, the key counter, the loop's counters and RNG words) as
 * JSON in the metadata. Loading walks a freshly initialised tree, so a checkpoint from another
 * configuration fails with the first path whose shape differs.
 */
import { join } from 'node:path';
import * as T from '@dreamer/tensor';
import { type Tensor, RandomKey, dispose, tidy } from '@dreamer/tensor';
import { loadSafetensors, saveSafetensors } from '@dreamer/nn';
import { type Dreamer, type DreamerOptState, type DreamerParams, dreamer } from '@dreamer/behavior';
import { type Batch, type RSSMState, readMetrics } from '@dreamer/world-model';
import type { Env } from '@dreamer/envs';
import { Replay, type Step, shapesFromSpec } from '@dreamer/replay';
import { createPlannerPolicy } from '@dreamer/planner';
import type { Config } from './config.ts';
import type { EpisodeStore, Learner, LoopState, StepRecord } from './loop.ts';
import { dreamerOptions } from './options.ts';

export interface CheckpointExtra {
  loop: LoopState;
  rng: number[];
}

export interface DreamerAgent extends Learner {
  readonly model: Dreamer;
  readonly store: EpisodeStore;
  /** The replay the agent trains from (for summaries that sample their own batches). */
  readonly replay: Replay;
  readonly params: DreamerParams;
  save(path: string, extra: CheckpointExtra): Promise<void>;
  load(path: string): Promise<CheckpointExtra>;
  dispose(): void;
}

function isTensor(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && (v as { isTensor?: boolean }).isTensor === true;
}

/** Tensors and numbers of a tree, by '/'-joined path. */
function flattenState(tree: unknown, prefix: string, tensors: [string, Tensor][], numbers: Record<string, number>): void {
  if (isTensor(tree)) tensors.push([prefix, tree]);
  else if (typeof tree === 'number') numbers[prefix] = tree;
  else if (tree !== null && typeof tree === 'object') for (const [k, v] of Object.entries(tree)) flattenState(v, prefix ? `${prefix}/${k}` : k, tensors, numbers);
}

/** Rebuilds `template`'s structure from loaded tensors and numbers, checking every shape. */
function restoreState<X>(template: X, prefix: string, tensors: Record<string, Tensor>, numbers: Record<string, number>, source: string): X {
  if (isTensor(template)) {
    const t = tensors[prefix];
    if (!t) throw new Error(`checkpoint ${source}: missing tensor '${prefix}' (was it written by another configuration?)`);
    if (t.shape.join(',') !== template.shape.join(',')) {
      throw new Error(`checkpoint ${source}: '${prefix}' has shape [${t.shape.join(', ')}], the model expects [${template.shape.join(', ')}]`);
    }
    return t as X;
  }
  if (typeof template === 'number') {
    if (!(prefix in numbers)) throw new Error(`checkpoint ${source}: missing value '${prefix}'`);
    return numbers[prefix] as X;
  }
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) out[k] = restoreState(v, prefix ? `${prefix}/${k}` : k, tensors, numbers, source);
    return out as X;
  }
  return template;
}

/** [B, T, ...] arrays from the replay → the model's batch tensors (images stay 0..255 floats). */
function toBatch(raw: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>, obsKeys: readonly string[]): Batch {
  const t = (k: string): Tensor => T.tensor(Float32Array.from(raw[k].data), raw[k].shape as number[]);
  return {
    obs: Object.fromEntries(obsKeys.map((k) => [k, t(k)])),
    action: t('action'),
    reward: t('reward'),
    discount: t('discount'),
  };
}

/** Builds the agent for `env` under `config`, with its replay in `episodeDir` (loaded if present). */
export async function createDreamer(config: Config, env: Env, opts: { episodeDir: string; seed: number }): Promise<DreamerAgent> {
  const model = dreamer(env.observationSpec, env.actionSpec, dreamerOptions(config, env));
  const obsKeys = Object.keys(env.observationSpec);
  const replay = await Replay.open({ directory: opts.episodeDir, seed: opts.seed, shapes: shapesFromSpec(env.observationSpec) });
  const base = RandomKey.fromSeed(opts.seed);
  let counter = 0;
  /** Updates done; during the first `actor_warmup` of them the actor stays fixed. */
  let updates = 0;
  const nextKey = (): RandomKey => base.foldIn(counter++);
  let params = model.init(base.foldIn(0x7fffffff));
  let optState = model.initOptState(params);
  let latent: RSSMState | null = null;
  const [batchSize, length] = config.batch_shape;
  // PlaNet mode (action_head: False): act by CEM in latent space, train the world model alone.
  const planet = !config.action_head;
  const planner = planet
    ? createPlannerPolicy(model.worldModel, {
        horizon: config.planner_horizon,
        iterations: config.cem_iterations,
        candidates: config.cem_amount,
        topK: config.cem_topk,
        objective: config.planner_objective === 'reward_value' && config.value_head ? 'reward_value' : 'reward',
        ...(config.value_head ? { valueHead: model.value } : {}),
      })
    : null;
  const store: EpisodeStore = {
    get numEpisodes() {
      return replay.episodes;
    },
    get numSteps() {
      return replay.steps;
    },
    async addEpisode(steps: StepRecord[]) {
      for (const s of steps) replay.add({ ...s.observation, action: s.action, reward: s.reward, discount: s.discount } as Step);
      await replay.finish();
    },
    // The sampler needs rows ≥ length + 1 (the seed never samples an episode's last window).
    canSample: (len) => replay.list().some((e) => e.rows >= len + 1),
  };

  const agent: DreamerAgent = {
    model,
    store,
    replay,
    get params() {
      return params;
    },
    reset() {
      if (latent) dispose(latent);
      latent = null;
    },
    async act(observation, prevAction, mode) {
      const key = nextKey();
      const out = tidy(() => {
        const [kEnc, kObs, kAct] = key.split(3);
        const obs = Object.fromEntries(obsKeys.map((k) => {
          const spec = env.observationSpec[k];
          return [k, T.tensor(Float32Array.from(observation[k]), [1, ...spec.shape])];
        }));
        const embed = model.worldModel.encode(params.model, obs, kEnc);
        const prev = latent ?? model.worldModel.rssm.initialState(1);
        const { post } = model.worldModel.rssm.obsStep(params.model.rssm, prev, T.tensor(prevAction, [1, prevAction.length]), embed, kObs);
        if (planner) return { post, action: planner.act({ model: params.model, value: params.value }, post, kAct) };
        const dist = model.actor.dist(params.actor, model.worldModel.rssm.features(post));
        const action = mode === 'mode' ? dist.mode(kAct) : dist.sample(kAct);
        return { post, action };
      });
      if (latent) dispose(latent);
      latent = out.post;
      const values = await out.action.data();
      out.action.dispose();
      return Float32Array.from(values);
    },
    async train() {
      const raw = replay.sample(batchSize, length);
      const batch = toBatch(raw as never, obsKeys);
      const key = nextKey();
      const trainActor = updates++ >= config.actor_warmup;
      if (planet) {
        const next = model.worldModel.trainStep(params.model, optState.model, batch, key);
        dispose([batch, params.model, optState.model]);
        params = { ...params, model: next.params };
        optState = { ...optState, model: next.optState };
        return readMetrics(next.metrics);
      }
      const next = model.trainStep(params, optState, batch, key, { actor: trainActor });
      // A fixed part (the actor during warm-up, the value without a value head) comes back as the same tensors.
      const kept = new Set(T.collectTensors([next.params, next.optState]));
      dispose([batch, T.collectTensors([params, optState]).filter((t) => !kept.has(t))]);
      params = next.params;
      optState = next.optState;
      return readMetrics(next.metrics);
    },
    async save(path, extra) {
      const tensors: [string, Tensor][] = [];
      const numbers: Record<string, number> = {};
      flattenState({ params, optState }, '', tensors, numbers);
      await saveSafetensors(path, tensors, {
        format: 'dreamer-checkpoint-1',
        numbers: JSON.stringify(numbers),
        counter: String(counter),
        updates: String(updates),
        extra: JSON.stringify(extra),
      });
    },
    async load(path) {
      const loaded = await loadSafetensors(path);
      if (loaded.metadata.format !== 'dreamer-checkpoint-1') throw new Error(`checkpoint ${path}: format ${JSON.stringify(loaded.metadata.format)}, expected "dreamer-checkpoint-1"`);
      const numbers = JSON.parse(loaded.metadata.numbers) as Record<string, number>;
      const restored = restoreState({ params, optState }, '', loaded.tensors, numbers, path);
      const used = new Set<Tensor>();
      const [usedTensors]: [[string, Tensor][]] = [[]];
      flattenState(restored, '', usedTensors, {});
      for (const [, t] of usedTensors) used.add(t);
      dispose(Object.values(loaded.tensors).filter((t) => !used.has(t)));
      dispose([params, optState]);
      params = restored.params;
      optState = restored.optState as DreamerOptState;
      counter = Number(loaded.metadata.counter);
      updates = Number(loaded.metadata.updates ?? 0);
      return JSON.parse(loaded.metadata.extra) as CheckpointExtra;
    },
    dispose() {
      agent.reset();
      dispose([params, optState]);
    },
  };
  return agent;
}

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const checkpointPath = (runDir: string): string => join(runDir, CHECKPOINT_FILE);
