/**
 * Workloads on the @dreamer/tensor engine (whatever backend is active), shared by the profiler
 * command (tools/profile.ts) and the peer benchmark (tools/bench/peers.ts). A workload's `step`
 * records one unit of work and returns the tensor to read back to wait for it (the caller disposes
 * it); `dispose` frees the inputs and parameters. FLOPs count the useful work: matmul 2·M·N·K,
 * conv 2·B·Cout·OH·OW·Cin·KH·KW (transposed: 2·B·H·W·Cin·KH·KW·Cout), backward 2× forward except
 * that the first layer needs no input gradient.
 */
import * as T from '@dreamer/tensor';
import { adam, conv2dLayer, conv2dTransposeLayer, gruCell, mlp, type Conv } from '@dreamer/nn';

export interface Workload {
  readonly name: string;
  readonly flops: number;
  /** One unit of work; the returned tensor is the caller's. */
  step(): T.Tensor;
  dispose(): void;
}

/** Runs fn as a named phase of a profile (WebGPUBackend.phase); by default just runs it. */
export type Phase = <R>(name: string, fn: () => R) => R;
const noPhase: Phase = (_name, fn) => fn();

export const BATCH = 50;

/** The Dreamer encoder's convolutions: 64×64×3 → 32, 64, 128, 256 channels, k4 s2 VALID, relu. */
export const ENCODER = [
  { cin: 3, cout: 32, k: 4, inSize: 64 },
  { cin: 32, cout: 64, k: 4, inSize: 31 },
  { cin: 64, cout: 128, k: 4, inSize: 14 },
  { cin: 128, cout: 256, k: 4, inSize: 6 },
] as const;

/** The Dreamer decoder's transposed convolutions from 1×1×1024: k5 128, k5 64, k6 32, k6 3, stride 2. */
export const DECODER = [
  { cin: 1024, cout: 128, k: 5, inSize: 1 },
  { cin: 128, cout: 64, k: 5, inSize: 5 },
  { cin: 64, cout: 32, k: 6, inSize: 13 },
  { cin: 32, cout: 3, k: 6, inSize: 30 },
] as const;

const outSize = (inSize: number, k: number): number => Math.floor((inSize - k) / 2) + 1;
const encoderFlops = (batch: number): number[] => ENCODER.map((l) => 2 * batch * l.cout * outSize(l.inSize, l.k) ** 2 * l.cin * l.k * l.k);
const decoderFlops = (batch: number): number[] => DECODER.map((l) => 2 * batch * l.inSize ** 2 * l.cin * l.k * l.k * l.cout);
/** Forward + weight gradients + input gradients of every layer but the first. */
const withBackward = (fwd: number[]): number => fwd.reduce((s, f, i) => s + f * (i === 0 ? 2 : 3), 0);

export const ENCODER_FLOPS = { forward: (b = BATCH) => encoderFlops(b).reduce((s, f) => s + f, 0), grad: (b = BATCH) => withBackward(encoderFlops(b)) };
export const DECODER_FLOPS = { forward: (b = BATCH) => decoderFlops(b).reduce((s, f) => s + f, 0), grad: (b = BATCH) => withBackward(decoderFlops(b)) };

function convStack(
  name: string,
  layers: readonly Conv[],
  input: T.Shape,
  flops: number,
  grad: boolean,
  phase: Phase,
): Workload {
  const keys = T.RandomKey.fromSeed(7).split(layers.length + 1);
  const x = T.randomNormal(keys[0], input);
  const params = layers.map((l, i) => l.init(keys[i + 1]));
  const forward = (ps: typeof params): T.Tensor => {
    let y = x;
    layers.forEach((l, i) => (y = phase(`layer${i + 1}`, () => l.apply(ps[i], y))));
    return y;
  };
  return {
    name,
    flops,
    step: () => {
      if (!grad) return forward(params);
      const { value, grads } = T.valueAndGrad((ps) => T.sum(forward(ps)), params);
      T.dispose(grads);
      return value;
    },
    dispose: () => T.dispose([x, params]),
  };
}

export function encoder(options: { grad: boolean; batch?: number; phase?: Phase }): Workload {
  const b = options.batch ?? BATCH;
  const layers = ENCODER.map((l) => conv2dLayer(l.cin, l.cout, l.k, { strides: 2, activation: 'relu' }));
  const flops = options.grad ? ENCODER_FLOPS.grad(b) : ENCODER_FLOPS.forward(b);
  return convStack(`encoder ${options.grad ? 'fwd+bwd' : 'fwd'}`, layers, [b, 64, 64, 3], flops, options.grad, options.phase ?? noPhase);
}

export function decoder(options: { grad: boolean; batch?: number; phase?: Phase }): Workload {
  const b = options.batch ?? BATCH;
  const layers = DECODER.map((l, i) => conv2dTransposeLayer(l.cin, l.cout, l.k, { strides: 2, activation: i < DECODER.length - 1 ? 'relu' : 'none' }));
  const flops = options.grad ? DECODER_FLOPS.grad(b) : DECODER_FLOPS.forward(b);
  return convStack(`decoder ${options.grad ? 'fwd+bwd' : 'fwd'}`, layers, [b, 1, 1, 1024], flops, options.grad, options.phase ?? noPhase);
}

export function matmul(n: number): Workload {
  const [k1, k2] = T.RandomKey.fromSeed(3).split(2);
  const a = T.randomNormal(k1, [n, n]);
  const b = T.randomNormal(k2, [n, n]);
  return { name: `matmul ${n}³`, flops: 2 * n ** 3, step: () => T.matmul(a, b), dispose: () => T.dispose([a, b]) };
}

/** The GRU cell of the RSSM (TF1 GRUBlockCell, 230 → 200) forward and backward at batch 50. */
export function gru(options: { batch?: number; inputs?: number; units?: number } = {}): Workload {
  const { batch = BATCH, inputs = 230, units = 200 } = options;
  const cell = gruCell(inputs, units);
  const [k1, k2, k3] = T.RandomKey.fromSeed(5).split(3);
  const params = cell.init(k1);
  const x = T.randomNormal(k2, [batch, inputs]);
  const h = T.randomNormal(k3, [batch, units]);
  const fwd = 2 * batch * (inputs + units) * 3 * units;
  return {
    name: `GRU cell ${inputs}→${units} fwd+bwd`,
    flops: 3 * fwd,
    step: () => {
      const { value, grads } = T.valueAndGrad((p) => T.sum(cell.apply(p, x, h)), params);
      T.dispose(grads);
      return value;
    },
    dispose: () => T.dispose([params, x, h]),
  };
}

/** An MLP head (230 → 400 ×3 → 1, elu) trained one step on a mean squared error with Adam. */
export function mlpStep(options: { batch?: number; phase?: Phase } = {}): Workload {
  const { batch = 2500 } = options;
  const phase = options.phase ?? noPhase;
  const net = mlp(230, [400, 400, 400], 1, { activation: 'elu' });
  const opt = adam({ lr: 1e-4 });
  const [k1, k2, k3] = T.RandomKey.fromSeed(11).split(3);
  let params = net.init(k1);
  let state = opt.init(params);
  const x = T.randomNormal(k2, [batch, 230]);
  const y = T.randomNormal(k3, [batch, 1]);
  const widths = [230, 400, 400, 400, 1];
  return {
    name: `MLP 230→400×3→1 batch ${batch} + Adam`,
    flops: withBackward(widths.slice(1).map((w, i) => 2 * batch * widths[i] * w)),
    step: () => {
      const { value, grads } = phase('forward+backward', () => T.valueAndGrad((p) => T.mean(T.square(T.sub(net.apply(p, x), y))), params));
      const next = phase('adam', () => opt.update(grads, state, params));
      T.dispose([grads, params, state.m, state.v]);
      params = next.params;
      state = next.state;
      return value;
    },
    dispose: () => T.dispose([params, state.m, state.v, x, y]),
  };
}


/** `n` chained negations of a 4-element tensor: one trivial dispatch each. */
export function chain(n: number): Workload {
  const x = T.ones([4]);
  return {
    name: `${n} trivial dispatches`,
    flops: 0,
    step: () => {
      let y = T.neg(x);
      for (let i = 1; i < n; i++) {
        const next = T.neg(y);
        y.dispose();
        y = next;
      }
      return y;
    },
    dispose: () => x.dispose(),
  };
}
