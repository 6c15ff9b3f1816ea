export type {
  Action,
  ActionSpec,
  ArraySpec,
  ContinuousAction,
  ContinuousActionSpec,
  DiscreteAction,
  DiscreteActionSpec,
  Env,
  Observation,
  ObservationSpec,
  ObsDType,
  TimeStep,
} from './env.ts';
export { EnvBase, specSize, validateAction } from './env.ts';
export { Rng, seedWord } from './rng.ts';
export { DummyEnv, type DummyOptions } from './dummy.ts';
export { tolerance, sigmoid, SIGMOIDS, type Sigmoid, type ToleranceOptions } from './control/tolerance.ts';
export {
  FULL_ACTION_NAMES,
  GRID,
  IMAGE_SIZE,
  MinAtarEnv,
  renderGrid,
  type Game,
  type MinAtarOptions,
  type RGB,
} from './minatar/base.ts';
export { Breakout } from './minatar/breakout.ts';
export { Freeway, FREEWAY_MAX_STEPS } from './minatar/freeway.ts';
export { Asterix } from './minatar/asterix.ts';
export { Seaquest } from './minatar/seaquest.ts';
export { SpaceInvaders } from './minatar/space_invaders.ts';
export { RoomCollect, type RoomOptions } from './room/env.ts';
export {
  editDistance,
  isEnvName,
  listEnvs,
  makeEnv,
  makeEnvAsync,
  nearestEnvName,
  type TaskName,
  type TaskOptions,
} from './registry.ts';
export {
  ActionRepeat,
  ClipReward,
  encodeGif,
  NormalizeActions,
  OneHotAction,
  oneHot,
  RecordGif,
  TimeLimit,
  VectorEnv,
  Wrapper,
  type FrameShape,
  type GifOptions,
  type NormalizeActionsOptions,
  type RecordGifOptions,
  type RewardClip,
  type VectorEnvOptions,
} from './wrappers/index.ts';
export {
  Renderer,
  readPixels,
  renderCpu,
  lookAt,
  axisAngle,
  zAlong,
  project,
  encodePng,
  imageSpec,
  PixelVectorEnv,
  type PixelBatch,
  type PixelOptions,
  type PixelVectorOptions,
  type RenderOptions,
  type GeomType,
} from './render/index.ts';
export type { Scene, SceneCamera, SceneGeom, Vec3 } from './control/scene.ts';
export { ControlEnv, EPISODE_STEPS, sceneOf, type ControlOptions, type ControlTask } from './control/base.ts';
export { compileModel, isMujocoLoaded, loadMujoco, mujocoVersion } from './control/mujoco.ts';
export { Physics } from './control/physics.ts';
export { CONTROL_TASKS, isControlTaskName, makeControlEnv, type ControlTaskName } from './control/tasks.ts';
