/**
 * @dreamer/agent — the Dreamer agent: the seed's configuration and presets, and the loop that
 * prefills, collects, trains and evaluates. See README.md.
 */
export { type Config, type ConfigOverrides, type CollectSchedule, DEFAULTS, PRESETS, SEED_KEY_ALIASES, ConfigError, resolveConfig, updatesPerPhase, configRecord } from './config.ts';
export { type NoiseSchedule, noiseAmount, additiveNormal, epsilonGreedy } from './exploration.ts';
export { type StepRecord, type EpisodeStore, type PolicyMode, type Learner, type LoopState, type LoopHooks, actionAdapter, runEpisode, crossesSchedule, trainLoop } from './loop.ts';
export { MinimumDuration, PixelObservation, SelectObservations, defaultActionRepeat, makeTaskEnv } from './envs.ts';
export { dreamerOptions } from './options.ts';
export { type DreamerAgent, type CheckpointExtra, createDreamer, CHECKPOINT_FILE, checkpointPath } from './learner.ts';
export { type FrameRecorderOptions, type FrameSource, FrameRecorder } from './video.ts';
export { type OpenLoop, openLoop, openLoopStrip, sequenceBatch, disposeBatch } from './openloop.ts';
