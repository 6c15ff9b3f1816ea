import { DummyEnv } from '@dreamer/envs';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shapesFromSpec, timeStepToStep, type Episode } from './episode.ts';
import { parseEpisodeFileName } from './files.ts';
import { Replay } from './replay.ts';
import { NUMPY_VERSION, python } from './testing.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'replay-'));

/** An episode whose reward row i is tag·1000 + i, so sampled windows can be traced back. */
function traced(rows: number, tag: number): Episode {
  return {
    obs: { dtype: 'uint8', shape: [rows, 2], data: Uint8Array.from({ length: rows * 2 }, (_, i) => (tag * 16 + i) % 256) },
    action: { dtype: 'float32', shape: [rows, 1], data: Float32Array.from({ length: rows }, (_, i) => -i) },
    reward: { dtype: 'float32', shape: [rows], data: Float32Array.from({ length: rows }, (_, i) => tag * 1000 + i) },
    first: { dtype: 'bool', shape: [rows], data: Uint8Array.from({ length: rows }, (_, i) => (i === 0 ? 1 : 0)) },
    count: { dtype: 'int32', shape: [rows], data: Int32Array.from({ length: rows }, (_, i) => i) },
  };
}

async function filled(lengths: number[], options = {}): Promise<Replay> {
  const replay = new Replay(options);
  for (const [tag, rows] of lengths.entries()) await replay.insert(traced(rows, tag));
  return replay;
}

/** (episode tag, start row) of each sampled sequence, checking it is one contiguous window. */
function windows(batch: ReturnType<Replay['sample']>, B: number, L: number): [number, number][] {
  const out: [number, number][] = [];
  for (let b = 0; b < B; b++) {
    const r = Array.from(batch.reward.data.subarray(b * L, (b + 1) * L));
    const tag = Math.floor(r[0] / 1000);
    const start = r[0] - tag * 1000;
    expect(r).toEqual(Array.from({ length: L }, (_, i) => tag * 1000 + start + i));
    expect(Array.from(batch.count.data.subarray(b * L, (b + 1) * L))).toEqual(r.map((x) => x - tag * 1000));
    out.push([tag, start]);
  }
  return out;
}

describe('Replay store', () => {
  it('builds episodes step by step from env TimeSteps', async () => {
    const env = new DummyEnv({ episodeLength: 6, actionDim: 2, size: 4 });
    const replay = new Replay({ shapes: shapesFromSpec(env.observationSpec) });
    let ts = env.reset(0);
    replay.add(timeStepToStep(ts, new Float32Array(2)));
    const images = [ts.observation.image];
    while (!ts.truncated) {
      const action = Float32Array.from([0.5, -0.5]);
      ts = env.step(action);
      replay.add(timeStepToStep(ts, action));
      images.push(ts.observation.image);
    }
    expect(replay.runningLength()).toBe(7);
    const saved = await replay.finish();
    expect(saved).toMatchObject({ rows: 7, steps: 6 });
    expect(saved.path).toBeUndefined();
    expect([replay.episodes, replay.steps, replay.totalSteps, replay.runningLength()]).toEqual([1, 6, 6, 0]);
    const ep = replay.list()[0].episode;
    expect(ep.image).toMatchObject({ dtype: 'uint8', shape: [7, 4, 4, 3] });
    expect(Array.from(ep.image.data.subarray(48, 96))).toEqual(Array.from(images[1]));
    expect(ep.action.shape).toEqual([7, 2]);
    expect(Array.from(ep.action.data.subarray(0, 4))).toEqual([0, 0, 0.5, -0.5]);
    expect(ep.reward).toMatchObject({ dtype: 'float32', shape: [7] });
    expect(ep.reward.data[0]).toBe(0);
    expect(Array.from(ep.discount.data)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('keeps one running episode per worker', async () => {
    const replay = new Replay();
    for (let t = 0; t < 3; t++) {
      replay.add({ reward: t, flag: t === 2 }, 0);
      replay.add({ reward: 10 + t, flag: false }, 1);
    }
    replay.add({ reward: 13, flag: true }, 1);
    await replay.finish(1);
    await replay.finish(0);
    const eps = replay.list().map((e) => e.episode);
    expect(Array.from(eps[0].reward.data)).toEqual([10, 11, 12, 13]);
    expect(Array.from(eps[1].flag.data)).toEqual([0, 0, 1]);
    expect(eps[1].flag.dtype).toBe('bool');
    await expect(replay.finish(0)).rejects.toThrow(/worker 0 has no running episode/);
  });

  it('rejects steps that do not match the episode so far', () => {
    const replay = new Replay({ shapes: { image: [2, 2, 3] } });
    replay.add({ image: new Uint8Array(12), action: [0, 0], reward: 0 });
    expect(() => replay.add({ image: new Uint8Array(12), action: [0, 0, 0], reward: 0 })).toThrow(
      /'action' at step 1 has 3 values; expected 2/,
    );
    expect(() => replay.add({ image: new Uint8Array(12), reward: 0 })).toThrow(/missing action/);
    expect(() => replay.add({ image: new Float32Array(12), action: [0, 0], reward: 0 })).toThrow(/is float32; earlier steps stored uint8/);
    expect(() => new Replay({ shapes: { image: [2, 2, 3] } }).add({ image: new Uint8Array(5) })).toThrow(
      /'image' has 5 values but its declared shape \[2, 2, 3\] needs 12/,
    );
    expect(() => new Replay({ capacity: 0 })).toThrow(/capacity must be a positive integer/);
  });

  it('evicts the oldest episodes once the kept steps exceed the capacity', async () => {
    const replay = await filled([11, 11, 11, 6], { capacity: 25 });
    expect(replay.list().map((e) => e.name)).toEqual(['memory-1-11', 'memory-2-11', 'memory-3-6']);
    expect([replay.episodes, replay.steps, replay.totalEpisodes, replay.totalSteps]).toEqual([3, 25, 4, 35]);
    const one = await filled([40], { capacity: 10 });
    expect(one.episodes).toBe(1); // the newest episode is always kept
  });
});

describe('Replay on disk', () => {
  it('writes seed-named files and a restarted store resumes with them', async () => {
    const dir = join(tempDir(), 'episodes');
    const first = new Replay({ directory: dir });
    const saved = [];
    for (const [tag, rows] of [8, 5, 12].entries()) saved.push(await first.insert(traced(rows, tag)));
    expect(saved.map((s) => parseEpisodeFileName(s.name)?.rows)).toEqual([8, 5, 12]);
    expect(saved[0].path).toBe(join(dir, saved[0].name));
    expect(readdirSync(dir).sort()).toEqual(saved.map((s) => s.name).sort());

    const again = await Replay.open({ directory: dir });
    expect([again.episodes, again.steps, again.totalEpisodes, again.totalSteps]).toEqual([3, 22, 3, 22]);
    expect(again.loadReport).toEqual({ loaded: 3, notLoaded: 0, skipped: [] });
    const byName = new Map(again.list().map((e) => [e.name, e.episode]));
    for (const [tag, s] of saved.entries()) {
      const ep = byName.get(s.name)!;
      const want = traced(s.rows, tag);
      for (const key of Object.keys(want)) {
        expect(ep[key].dtype).toBe(want[key].dtype);
        expect(ep[key].shape).toEqual(want[key].shape);
        expect(Array.from(ep[key].data)).toEqual(Array.from(want[key].data));
      }
    }
    await again.insert(traced(3, 9));
    expect((await Replay.open({ directory: dir })).totalSteps).toBe(24);
  });

  it('with a capacity, loads the newest files and still counts the rest', async () => {
    const dir = tempDir();
    const writer = new Replay({ directory: dir });
    const names: string[] = [];
    for (let tag = 0; tag < 5; tag++) names.push((await writer.insert(traced(11, tag))).name);
    const sorted = [...names].sort(); // newest = last by name (timestamp first)
    const replay = await Replay.open({ directory: dir, capacity: 20 });
    expect(replay.list().map((e) => e.name)).toEqual(sorted.slice(3));
    expect([replay.episodes, replay.steps, replay.totalEpisodes, replay.totalSteps]).toEqual([2, 20, 5, 50]);
    expect(replay.loadReport).toMatchObject({ loaded: 2, notLoaded: 3 });
  });
});

describe('sampling', () => {
  it('returns [B, L, ...] arrays of contiguous windows with dtypes kept', async () => {
    const replay = await filled([60, 80, 51]);
    const batch = replay.sample(50, 50);
    expect(Object.keys(batch).sort()).toEqual(['action', 'count', 'first', 'obs', 'reward']);
    expect(batch.obs).toMatchObject({ dtype: 'uint8', shape: [50, 50, 2] });
    expect(batch.obs.data).toHaveLength(50 * 50 * 2);
    expect(batch.action).toMatchObject({ dtype: 'float32', shape: [50, 50, 1] });
    expect(batch.reward).toMatchObject({ dtype: 'float32', shape: [50, 50] });
    expect(batch.first).toMatchObject({ dtype: 'bool', shape: [50, 50] });
    expect(batch.count).toMatchObject({ dtype: 'int32', shape: [50, 50] });
    expect(batch.count.data).toBeInstanceOf(Int32Array);
    const picked = windows(batch, 50, 50);
    const rows = [60, 80, 51];
    for (const [tag, start] of picked) expect(start).toBeLessThan(rows[tag] - 50); // seed: last window never used
    expect(new Set(picked.map(([t]) => t)).size).toBe(3);
    const b = 7;
    const [tag, start] = picked[b];
    const obs = Array.from(batch.obs.data.subarray(b * 100, b * 100 + 4));
    expect(obs).toEqual([0, 1, 2, 3].map((i) => (tag * 16 + start * 2 + i) % 256));
  });

  it('is deterministic under the seed', async () => {
    const a = await filled([60, 70, 90], { seed: 3 });
    const b = await filled([60, 70, 90], { seed: 3 });
    const c = await filled([60, 70, 90], { seed: 4 });
    const first = a.sample(16, 10);
    expect(Array.from(b.sample(16, 10).reward.data)).toEqual(Array.from(first.reward.data));
    expect(Array.from(c.sample(16, 10).reward.data)).not.toEqual(Array.from(first.reward.data));
    expect(Array.from(a.sample(16, 10).reward.data)).not.toEqual(Array.from(first.reward.data)); // the stream moves on
  });

  it('skips episodes of L rows or fewer, as the seed does', async () => {
    const replay = await filled([50, 10, 51, 30]);
    const picked = windows(replay.sample(200, 50), 200, 50);
    expect(new Set(picked.map(([t]) => t))).toEqual(new Set([2])); // only 51 rows qualifies
    expect(new Set(picked.map(([, s]) => s))).toEqual(new Set([0]));
    await expect(filled([50, 20]).then((r) => r.sample(1, 50))).rejects.toThrow(
      /no episode has at least 51 rows for sequences of length 50 \(2 episodes, longest 50 rows\)/,
    );
  });

  it('uses every window, including the last, only with includeLastWindow', async () => {
    const seedRule = windows((await filled([12], { seed: 1 })).sample(400, 10), 400, 10).map(([, s]) => s);
    expect(new Set(seedRule)).toEqual(new Set([0, 1]));
    const all = windows((await filled([12, 10], { seed: 1, includeLastWindow: true })).sample(400, 10), 400, 10);
    expect(new Set(all.filter(([t]) => t === 0).map(([, s]) => s))).toEqual(new Set([0, 1, 2]));
    expect(new Set(all.filter(([t]) => t === 1).map(([, s]) => s))).toEqual(new Set([0]));
  });

  it('balance oversamples episode ends like dataset_balance', async () => {
    const starts = windows((await filled([30], { balance: true })).sample(600, 10), 600, 10).map(([, s]) => s);
    const atEnd = starts.filter((s) => s === 20).length; // min(randint(0, 30), 20): 10/30 of draws land on 20
    expect(atEnd / 600).toBeGreaterThan(0.25);
    expect(atEnd / 600).toBeLessThan(0.42);
  });

  it('names the mismatching episode when episodes differ in keys or shapes', async () => {
    const replay = await filled([20]);
    await replay.insert({ reward: { dtype: 'float32', shape: [20], data: new Float32Array(20) } });
    expect(() => replay.sample(40, 5)).toThrow(/episode memory-\d-20 has keys \[reward\] but memory-0-20 has/);
    expect(() => replay.sample(0, 5)).toThrow(/batch must be a positive integer, got 0/);
  });
});

describe.skipIf(!NUMPY_VERSION)(`episodes a numpy-based seed loader can read${NUMPY_VERSION ? '' : ' (no numpy: skipped)'}`, () => {
  it('loads a Replay directory the way danijar/dreamer does (glob *.npz, np.load, count_steps)', async () => {
    const env = new DummyEnv({ episodeLength: 9, actionDim: 3 });
    const dir = join(tempDir(), 'episodes');
    const replay = new Replay({ directory: dir, shapes: shapesFromSpec(env.observationSpec) });
    for (let episode = 0; episode < 2; episode++) {
      let ts = env.reset(episode);
      replay.add(timeStepToStep(ts, new Float32Array(3)));
      while (!ts.truncated) {
        const action = Float32Array.of(0.5, 0, -0.5);
        ts = env.step(action);
        replay.add(timeStepToStep(ts, action));
      }
      await replay.finish();
    }
    const seen = python(
      `import json, pathlib, sys, numpy as np
d = pathlib.Path(sys.argv[1])
eps = {}
for f in sorted(d.glob('*.npz')):
    with f.open('rb') as h:
        e = np.load(h)
        eps[f.name] = {k: [str(e[k].dtype), list(e[k].shape), float(e[k].astype(np.float64).sum())] for k in e.keys()}
steps = sum(int(str(n).split('-')[-1][:-4]) - 1 for n in d.glob('*.npz'))
print(json.dumps({'episodes': eps, 'steps': steps}))`,
      dir,
    ) as { episodes: Record<string, Record<string, [string, number[], number]>>; steps: number };
    expect(seen.steps).toBe(replay.totalSteps);
    expect(seen.steps).toBe(18);
    for (const { name, episode } of replay.list()) {
      const got = seen.episodes[name];
      expect(got.image.slice(0, 2)).toEqual(['uint8', [10, 64, 64, 3]]);
      expect(got.action.slice(0, 2)).toEqual(['float32', [10, 3]]);
      expect(got.reward.slice(0, 2)).toEqual(['float32', [10]]);
      expect(got.discount.slice(0, 2)).toEqual(['float32', [10]]);
      for (const key of ['image', 'reward']) {
        expect(got[key][2]).toBeCloseTo(Array.from(episode[key].data).reduce((a, b) => a + b, 0), 3);
      }
    }
  });
});

describe('Replay failures', () => {
  it('keeps the running episode when its write fails, so finish can be retried', async () => {
    const parent = tempDir();
    const blocker = join(parent, 'file');
    writeFileSync(blocker, 'not a directory');
    const replay = new Replay({ directory: join(blocker, 'episodes') });
    replay.add({ reward: 0 });
    replay.add({ reward: 1 });
    await expect(replay.finish()).rejects.toThrow(/ENOTDIR|EEXIST/);
    expect([replay.runningLength(), replay.episodes]).toEqual([2, 0]);
    replay.discard();
    expect(replay.runningLength()).toBe(0);
  });
});
