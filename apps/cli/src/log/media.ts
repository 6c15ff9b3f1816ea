/**
 * Pictures of a run's test phases: the evaluation episode as a GIF (`videos/test-<step>.gif`)
 * and the open-loop prediction strip (`openloop/<step>.png`), each also logged to TensorBoard
 * as an image (TensorBoard animates GIFs). Files are replaced atomically, so a kill leaves the
 * previous picture or the new one; a resumed run rewrites the pictures of the steps it redoes.
 *
 * Pictures are diagnostics: a failure to make one is reported once and training goes on.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RandomKey } from '@dreamer/tensor';
import { type Env, encodeGif, encodePng } from '@dreamer/envs';
import { type NamedEpisode, SamplerRng, episodeRows, listEpisodeFiles, parseEpisodeFileName, readEpisode } from '@dreamer/replay';
import { type Config, type DreamerAgent, FrameRecorder, disposeBatch, openLoop, openLoopStrip, sequenceBatch } from '@dreamer/agent';
import { atomicWriteFile } from '../run/atomic.ts';
import type { EventWriter } from './tensorboard.ts';

/** Sequences shown in a strip, as the seed's image summaries. */
const STRIP_SEQUENCES = 6;
/** Videos play at the seed's 20 fps, scaled up so a 64×64 frame is big enough to watch. */
const GIF = { fps: 20, scale: 2 };

function writeFile(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  atomicWriteFile(path, bytes);
}

export function writeGif(path: string, frames: readonly Uint8Array[], shape: FrameRecorder['shape']): Uint8Array {
  const gif = encodeGif(frames, shape, GIF);
  writeFile(path, gif);
  return gif;
}

/**
 * Episodes to cut open-loop sequences from: the agent's replay when it exposes one (proposed
 * `DreamerAgent.replay`), else a few episode files read back from disk. Either way the training
 * sampler's random stream is untouched.
 */
async function episodesFor(agent: DreamerAgent, episodeDir: string, length: number, want: number, seed: number): Promise<NamedEpisode[]> {
  const replay = (agent as unknown as { replay?: { list(): readonly NamedEpisode[] } }).replay;
  if (replay) return [...replay.list()];
  const names = (await listEpisodeFiles(episodeDir)).filter((n) => (parseEpisodeFileName(n)?.rows ?? 0) > length);
  const rng = new SamplerRng(seed);
  const picked = new Set<string>();
  while (picked.size < Math.min(want, names.length)) picked.add(names[rng.int(names.length)]);
  return Promise.all(
    [...picked].map(async (name) => {
      const episode = await readEpisode(join(episodeDir, name));
      return { name, episode, rows: episodeRows(episode) };
    }),
  );
}

export class TestMedia {
  readonly #runDir: string;
  readonly #config: Config;
  readonly #events: EventWriter;
  readonly #tag: string;
  #recorder: FrameRecorder | null = null;
  readonly #warned = new Set<string>();

  constructor(runDir: string, config: Config, events: EventWriter, task: string) {
    this.#runDir = runDir;
    this.#config = config;
    this.#events = events;
    this.#tag = `test_main_${task}`;
  }

  /** Wraps the test env so its episodes are recorded. */
  wrap(env: Env): Env {
    this.#recorder = new FrameRecorder(env, { size: this.#config.render_size, camera: this.#config.camera_id });
    if (this.#recorder.source === 'none') this.#warn('video', `${env.name} has neither an image observation nor a scene to render: no test videos`);
    return this.#recorder;
  }

  /** After a test episode: its video, and the open-loop strip for image models. Returns scalars to log. */
  async afterTest(agent: DreamerAgent, step: number): Promise<Record<string, number>> {
    const scalars: Record<string, number> = {};
    const recorder = this.#recorder;
    const frames = recorder?.take() ?? [];
    if (recorder && frames.length > 0) {
      await this.#guard('video', () => {
        const gif = writeGif(join(this.#runDir, 'videos', `test-${step}.gif`), frames, recorder.shape);
        this.#events.image(step, `${this.#tag}/video`, gif, recorder.shape.height * GIF.scale, recorder.shape.width * GIF.scale, 3);
      });
    }
    if (this.#config.observation === 'image') {
      await this.#guard('open-loop', async () => {
        const [batchSize, length] = this.#config.batch_shape;
        const n = Math.min(batchSize, STRIP_SEQUENCES);
        const seed = this.#config.seed * 1_000_003 + step;
        const episodes = await episodesFor(agent, join(this.#runDir, 'train_episodes'), length, n, seed);
        if (episodes.length === 0) return;
        const batch = sequenceBatch(episodes, ['image'], n, length, seed);
        try {
          const result = await openLoop(agent.model, agent.params, batch, this.#config.open_loop_context, RandomKey.fromSeed(seed));
          const strip = openLoopStrip(result, n);
          const png = encodePng(strip.rgb, strip.width, strip.height);
          writeFile(join(this.#runDir, 'openloop', `${step}.png`), png);
          this.#events.image(step, 'openloop/image', png, strip.height, strip.width, 3);
          scalars['openloop/image_abs_error'] = result.error;
        } finally {
          disposeBatch(batch);
        }
      });
    }
    return scalars;
  }

  async #guard(what: string, fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.#warn(what, `could not write the ${what} picture: ${(e as Error).message}`);
    }
  }

  #warn(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    console.error(`dreamer train: ${message} (reported once)`);
  }
}
