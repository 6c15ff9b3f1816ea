// The replay store: running episodes are built step by step (one per worker, for vector envs),
// finished episodes are written to `<logdir>/episodes/` and kept in memory, oldest evicted first
// once the kept steps exceed `capacity`. `Replay.open` loads a directory, newest files first
// up to the capacity, so a restarted run resumes with its data.
import { join } from 'node:path';
import { EpisodeBuilder, episodeRows, type Episode, type Step } from './episode.ts';
import { listEpisodeFiles, parseEpisodeFileName, readEpisode, saveEpisode } from './files.ts';
import type { Compression } from './npz.ts';
import { SamplerRng } from './rng.ts';
import { sampleBatch, type Batch, type NamedEpisode, type SampleOptions } from './sample.ts';

export interface ReplayOptions extends SampleOptions {
  /** Where episode files go (e.g. `<logdir>/episodes`). Without it the store is memory-only. */
  directory?: string;
  /** Most environment steps kept in memory (default unbounded). Files on disk are never deleted. */
  capacity?: number;
  /** Seed of the sampling generator (default 0). */
  seed?: number;
  /** Shapes of flat step values, e.g. `{ image: [64, 64, 3] }` (see `shapesFromSpec`). */
  shapes?: Readonly<Record<string, readonly number[]>>;
  compression?: Compression;
  /** Told about every file the loader skipped; default `console.warn`. */
  onWarning?: (message: string) => void;
}

export interface LoadReport {
  /** Files read into memory. */
  readonly loaded: number;
  /** Files not read because the capacity was reached (still counted in `totalSteps`). */
  readonly notLoaded: number;
  /** Files that could not be read, with the reason. */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

export interface SavedEpisode {
  readonly name: string;
  readonly rows: number;
  readonly steps: number;
  /** Full path, when the store has a directory. */
  readonly path?: string;
}

export class Replay {
  readonly directory: string | undefined;
  readonly capacity: number;
  private readonly options: ReplayOptions;
  private readonly rng: SamplerRng;
  private readonly running = new Map<number, EpisodeBuilder>();
  private readonly stored: NamedEpisode[] = [];
  private keptSteps = 0;
  private allSteps = 0;
  private allEpisodes = 0;
  private report: LoadReport = { loaded: 0, notLoaded: 0, skipped: [] };

  constructor(options: ReplayOptions = {}) {
    const { capacity = Infinity, seed = 0 } = options;
    if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity > 0))) {
      throw new Error(`replay: capacity must be a positive integer (steps) or Infinity, got ${capacity}`);
    }
    this.options = options;
    this.directory = options.directory;
    this.capacity = capacity;
    this.rng = new SamplerRng(seed);
  }

  /** A store that first loads every readable episode in `options.directory`. */
  static async open(options: ReplayOptions = {}): Promise<Replay> {
    const replay = new Replay(options);
    if (replay.directory !== undefined) await replay.load(replay.directory);
    return replay;
  }

  /** Episodes kept in memory. */
  get episodes(): number {
    return this.stored.length;
  }

  /** Environment steps kept in memory (rows − 1 per episode). */
  get steps(): number {
    return this.keptSteps;
  }

  /** Episodes ever stored, including evicted ones and files on disk that were not loaded. */
  get totalEpisodes(): number {
    return this.allEpisodes;
  }

  /** Environment steps ever stored, counted like `totalEpisodes` (the seed's `count_steps`). */
  get totalSteps(): number {
    return this.allSteps;
  }

  get loadReport(): LoadReport {
    return this.report;
  }

  /** Names and data of the episodes in memory, oldest first. */
  list(): readonly NamedEpisode[] {
    return this.stored;
  }

  /** Append a step to worker `worker`'s running episode (its first step is the reset step). */
  add(step: Step, worker = 0): void {
    let builder = this.running.get(worker);
    if (!builder) {
      builder = new EpisodeBuilder(this.options.shapes);
      this.running.set(worker, builder);
    }
    builder.add(step);
  }

  /** Rows in worker `worker`'s running episode so far. */
  runningLength(worker = 0): number {
    return this.running.get(worker)?.length ?? 0;
  }

  /** Drop worker `worker`'s running episode unsaved. */
  discard(worker = 0): void {
    this.running.delete(worker);
  }

  /**
   * End worker `worker`'s running episode: keep it, and write it when there is a directory. If the
   * write fails the episode stays running, so `finish` can be retried (or `discard` called).
   */
  async finish(worker = 0): Promise<SavedEpisode> {
    const builder = this.running.get(worker);
    if (!builder || builder.length === 0) throw new Error(`replay.finish: worker ${worker} has no running episode`);
    // Forget the running episode only once it is stored, so a failed write can be retried.
    const saved = await this.insert(builder.build());
    this.running.delete(worker);
    return saved;
  }

  /** Store a complete episode (written to the directory when there is one). */
  async insert(episode: Episode): Promise<SavedEpisode> {
    const rows = episodeRows(episode);
    let name: string;
    let path: string | undefined;
    if (this.directory !== undefined) {
      name = await saveEpisode(this.directory, episode, { compression: this.options.compression });
      path = join(this.directory, name);
    } else {
      name = `memory-${this.allEpisodes}-${rows}`;
    }
    this.keep(name, episode, rows);
    return { name, rows, steps: Math.max(0, rows - 1), ...(path ? { path } : {}) };
  }

  /** Uniformly sampled sequences, [batch, length, ...] per key; deterministic given the seed. */
  sample(batch: number, length: number): Batch {
    return sampleBatch(this.stored, this.rng, batch, length, this.options);
  }

  private keep(name: string, episode: Episode, rows: number): void {
    const steps = Math.max(0, rows - 1);
    this.stored.push({ name, episode, rows });
    this.keptSteps += steps;
    this.allSteps += steps;
    this.allEpisodes++;
    while (this.keptSteps > this.capacity && this.stored.length > 1) {
      const old = this.stored.shift()!;
      this.keptSteps -= Math.max(0, old.rows - 1);
    }
  }

  private async load(directory: string): Promise<void> {
    const files = await listEpisodeFiles(directory);
    const warn = this.options.onWarning ?? ((m: string) => console.warn(m));
    const skipped: { file: string; reason: string }[] = [];
    const loaded: NamedEpisode[] = [];
    let steps = 0;
    let next = files.length - 1;
    // Newest first, so a bounded store keeps the most recent data, as DreamerV2's loader does.
    for (; next >= 0 && steps < this.capacity; next--) {
      const file = files[next];
      try {
        const episode = await readEpisode(join(directory, file));
        const rows = episodeRows(episode);
        loaded.push({ name: file, episode, rows });
        steps += Math.max(0, rows - 1);
      } catch (e) {
        const reason = (e as Error).message;
        skipped.push({ file, reason });
        warn(`replay: skipped unreadable episode ${reason}`);
      }
    }
    for (const e of loaded.reverse()) this.keep(e.name, e.episode, e.rows);
    // Files past the capacity are counted from their names, as the seed counts steps.
    for (; next >= 0; next--) {
      const parsed = parseEpisodeFileName(files[next]);
      this.allEpisodes++;
      if (parsed) this.allSteps += Math.max(0, parsed.rows - 1);
    }
    this.report = { loaded: loaded.length, notLoaded: files.length - loaded.length - skipped.length, skipped };
  }
}
