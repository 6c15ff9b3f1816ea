export { Wrapper } from './base.ts';
export { ActionRepeat } from './action_repeat.ts';
export { TimeLimit } from './time_limit.ts';
export { NormalizeActions, type NormalizeActionsOptions } from './normalize_actions.ts';
export { OneHotAction, oneHot } from './one_hot.ts';
export { ClipReward, type RewardClip } from './clip_reward.ts';
export { encodeGif, type FrameShape, type GifOptions } from './gif.ts';
export { RecordGif, type RecordGifOptions } from './record_gif.ts';
export { VectorEnv, type VectorEnvOptions } from './vector.ts';
