/**
 * @dreamer/tensor — tensors, reverse-mode autodiff and pluggable backends.
 * See README.md for a tour.
 */
import './methods.ts';
import { registerBackend } from './engine.ts';
import { CpuBackend } from './cpu/backend.ts';

registerBackend('cpu', () => new CpuBackend());

export { Tensor, wrapBuffer, type NestedArray } from './tensor.ts';
export * from './ops/index.ts';
export { valueAndGrad, grad, type TensorTree, type LossOutput, type ValueAndGrad } from './autodiff.ts';
export {
  tidy,
  keep,
  dispose,
  collectTensors,
  memory,
  type MemoryInfo,
  registerBackend,
  setBackend,
  setBackendSync,
  removeBackend,
  getBackend,
  listBackends,
  setDebugChecks,
  NumericsError,
  phase,
  currentPhase,
} from './engine.ts';
export { assertFinite } from './debug.ts';
export { wallPhases, type WallPhaseTimes } from './wallPhases.ts';
export { RandomKey } from './random/key.ts';
export { philox4x32, fillUniform, fillNormal, philoxWords } from './random/philox.ts';
export type { Backend, Operand, Conv2dGeometry, UnaryOp, BinaryOp, ReduceOp, ArgReduceOp, ScanOp, RandomDist, DistributionOp, ActivationOp } from './backend.ts';
export { type DType, type TypedArray, DTYPES, bytesPerElement, isFloat } from './dtype.ts';
export { type Shape, ShapeError, broadcastShapes, sizeOf } from './shape.ts';
export { CpuBackend } from './cpu/backend.ts';
