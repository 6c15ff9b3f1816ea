export { allocate, decodeNpy, encodeNpy, itemSize, shapeSize, type DType, type NdArray, type TypedData } from './npy.ts';
export { decodeNpz, encodeNpz, type Compression, type NpzOptions } from './npz.ts';
export {
  EpisodeBuilder,
  episodeRows,
  episodeSteps,
  shapesFromSpec,
  timeStepToStep,
  type Episode,
  type Step,
  type StepValue,
} from './episode.ts';
export {
  episodeFileName,
  listEpisodeFiles,
  parseEpisodeFileName,
  readEpisode,
  saveEpisode,
  writeFileAtomic,
  type AtomicWriteHooks,
} from './files.ts';
export { sampleBatch, type Batch, type NamedEpisode, type SampleOptions } from './sample.ts';
export { SamplerRng } from './rng.ts';
export { Replay, type LoadReport, type ReplayOptions, type SavedEpisode } from './replay.ts';
