/**
 * Layers in a functional style: a layer is a small object with `init(key) → params` (a plain
 * tree of tensors) and `apply(params, x)`. Layers hold configuration only, never tensors.
 */
import {
  type DType,
  RandomKey,
  type Tensor,
  add,
  concat,
  conv2d,
  conv2dTranspose,
  elu,
  gruBlockOutput,
  gruBlockReset,
  gruResetAfter,
  matmul,
  relu,
  reshape,
  sigmoid,
  tanh,
  tidy,
} from '@dreamer/tensor';
import { type Initializer, constant, glorotUniform, orthogonal, zeros } from './init.ts';

export type Activation = 'none' | 'relu' | 'elu' | 'tanh' | 'sigmoid';

export function activate(x: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'none':
      return x;
    case 'relu':
      return relu(x);
    case 'elu':
      return elu(x);
    case 'tanh':
      return tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    default:
      throw new RangeError(`activation: unknown activation "${activation as string}"`);
  }
}

export interface Layer<P, I = Tensor, O = Tensor> {
  init(key: RandomKey): P;
  apply(params: P, x: I): O;
}

// ---- Dense --------------------------------------------------------------------------------

export interface DenseParams {
  [key: string]: Tensor;
  kernel: Tensor;
  bias: Tensor;
}

export interface DenseOptions {
  activation?: Activation;
  /** Default glorot uniform. */
  kernelInit?: Initializer;
  /** Default zeros. */
  biasInit?: Initializer;
  dtype?: DType;
}

export interface Dense extends Layer<DenseParams> {
  readonly inputs: number;
  readonly units: number;
}

/** y = act(x · kernel + bias); kernel [inputs, units]; x may have any number of leading axes. */
export function dense(inputs: number, units: number, options: DenseOptions = {}): Dense {
  const { activation = 'none', kernelInit = glorotUniform, biasInit = zeros, dtype = 'f32' } = options;
  return {
    inputs,
    units,
    init(key) {
      const [k1, k2] = key.split(2);
      return { kernel: kernelInit(k1, [inputs, units], dtype), bias: biasInit(k2, [units], dtype) };
    },
    apply(p, x) {
      if (x.shape[x.rank - 1] !== inputs) {
        throw new RangeError(`dense: input has shape [${x.shape.join(', ')}]; expected last axis ${inputs}`);
      }
      return tidy(() => {
        const lead = x.shape.slice(0, -1);
        const flat = x.rank === 2 ? x : reshape(x, [lead.reduce((a, b) => a * b, 1), inputs]);
        let y = add(matmul(flat, p.kernel), p.bias);
        if (x.rank !== 2) y = reshape(y, [...lead, units]);
        return activate(y, activation);
      });
    },
  };
}

// ---- Convolutions -------------------------------------------------------------------------

export interface ConvParams {
  [key: string]: Tensor;
  kernel: Tensor;
  bias: Tensor;
}

export interface ConvOptions {
  strides?: number | readonly [number, number];
  padding?: 'VALID' | 'SAME';
  activation?: Activation;
  kernelInit?: Initializer;
  biasInit?: Initializer;
  dtype?: DType;
}

export interface Conv extends Layer<ConvParams> {
  readonly kernelSize: readonly [number, number];
  readonly inChannels: number;
  readonly filters: number;
}

function pair(k: number | readonly [number, number]): [number, number] {
  return typeof k === 'number' ? [k, k] : [k[0], k[1]];
}

/** NHWC conv; kernel [KH, KW, Cin, Cout] (TF layout), bias [Cout]. */
export function conv2dLayer(inChannels: number, filters: number, kernelSize: number | readonly [number, number], options: ConvOptions = {}): Conv {
  const { strides = 1, padding = 'VALID', activation = 'none', kernelInit = glorotUniform, biasInit = zeros, dtype = 'f32' } = options;
  const [kh, kw] = pair(kernelSize);
  return {
    kernelSize: [kh, kw],
    inChannels,
    filters,
    init(key) {
      const [k1, k2] = key.split(2);
      return { kernel: kernelInit(k1, [kh, kw, inChannels, filters], dtype), bias: biasInit(k2, [filters], dtype) };
    },
    apply(p, x) {
      return tidy(() => activate(add(conv2d(x, p.kernel, { strides, padding }), p.bias), activation));
    },
  };
}

/** NHWC transposed conv; kernel [KH, KW, Cout, Cin] (TF layout), bias [Cout]. */
export function conv2dTransposeLayer(inChannels: number, filters: number, kernelSize: number | readonly [number, number], options: ConvOptions = {}): Conv {
  const { strides = 1, padding = 'VALID', activation = 'none', kernelInit = glorotUniform, biasInit = zeros, dtype = 'f32' } = options;
  const [kh, kw] = pair(kernelSize);
  return {
    kernelSize: [kh, kw],
    inChannels,
    filters,
    init(key) {
      const [k1, k2] = key.split(2);
      return { kernel: kernelInit(k1, [kh, kw, filters, inChannels], dtype), bias: biasInit(k2, [filters], dtype) };
    },
    apply(p, x) {
      return tidy(() => activate(add(conv2dTranspose(x, p.kernel, { strides, padding }), p.bias), activation));
    },
  };
}

/** Capitalised aliases, for readers used to Keras names. */
export const Dense = dense;
export const Conv2d = conv2dLayer;
export const ConvTranspose2d = conv2dTransposeLayer;

// ---- GRU ----------------------------------------------------------------------------------

/** TF1 GRUBlockCell (reset before the candidate matmul). */
export interface GRUBlockParams {
  [key: string]: Tensor;
  /** [inputs + units, 2·units]; columns [r | u]. */
  kernel_ru: Tensor;
  /** [2·units], init 1. */
  bias_ru: Tensor;
  /** [inputs + units, units]. */
  kernel_c: Tensor;
  /** [units], init 0. */
  bias_c: Tensor;
}

/** Keras GRUCell with reset_after=True. Gate order in the columns is [z | r | h] as Keras. */
export interface GRUKerasParams {
  [key: string]: Tensor;
  /** [inputs, 3·units]. */
  kernel: Tensor;
  /** [units, 3·units]. */
  recurrent_kernel: Tensor;
  /** [2, 3·units]: row 0 input bias, row 1 recurrent bias; zeros. */
  bias: Tensor;
}

export type GRUVariant = 'block' | 'keras';

export interface GRUOptions {
  /** 'block' (default): TF1 GRUBlockCell, reset-before. 'keras': Keras GRUCell reset_after=True. */
  variant?: GRUVariant;
  kernelInit?: Initializer;
  /** Keras variant only: the recurrent kernel's initialiser (default orthogonal, as Keras; pass glorotUniform to avoid the CPU Gram–Schmidt). */
  recurrentInit?: Initializer;
  dtype?: DType;
}

export interface GRUCell<P> {
  readonly inputs: number;
  readonly units: number;
  readonly variant: GRUVariant;
  init(key: RandomKey): P;
  /** One step: (params, x [B, inputs], h [B, units]) → h' [B, units] (the output equals the new state). */
  apply(params: P, x: Tensor, h: Tensor): Tensor;
}

export function gruCell(inputs: number, units: number, options: GRUOptions & { variant: 'keras' }): GRUCell<GRUKerasParams>;
export function gruCell(inputs: number, units: number, options?: GRUOptions & { variant?: 'block' }): GRUCell<GRUBlockParams>;
export function gruCell(inputs: number, units: number, options?: GRUOptions): GRUCell<GRUBlockParams> | GRUCell<GRUKerasParams>;
export function gruCell(inputs: number, units: number, options: GRUOptions = {}): GRUCell<GRUBlockParams> | GRUCell<GRUKerasParams> {
  const { variant = 'block', kernelInit = glorotUniform, dtype = 'f32' } = options;
  if (variant === 'block') {
    const cell: GRUCell<GRUBlockParams> = {
      inputs,
      units,
      variant,
      init(key) {
        const [k1, k2] = key.split(2);
        return {
          kernel_ru: kernelInit(k1, [inputs + units, 2 * units], dtype),
          bias_ru: constant(1)(k1, [2 * units], dtype),
          kernel_c: kernelInit(k2, [inputs + units, units], dtype),
          bias_c: zeros(k2, [units], dtype),
        };
      },
      apply(p, x, h) {
        // Gate math in two fused ops around the candidate's matmul (see @dreamer/tensor ops/fused/gru.ts):
        // r|u = σ([x, h]·W_ru + b_ru); c = tanh([x, r∘h]·W_c + b_c); h' = c + u∘(h − c).
        return tidy(() => {
          const [rh, u] = gruBlockReset(matmul(concat([x, h], -1), p.kernel_ru), p.bias_ru, h);
          return gruBlockOutput(matmul(concat([x, rh], -1), p.kernel_c), p.bias_c, u, h);
        });
      },
    };
    return cell;
  }
  if (variant !== 'keras') throw new RangeError(`gruCell: unknown variant "${variant as string}"`);
  const recurrentInit = options.recurrentInit ?? orthogonal();
  const cell: GRUCell<GRUKerasParams> = {
    inputs,
    units,
    variant,
    init(key) {
      const [k1, k2] = key.split(2);
      return {
        kernel: kernelInit(k1, [inputs, 3 * units], dtype),
        recurrent_kernel: recurrentInit(k2, [units, 3 * units], dtype),
        bias: zeros(k2, [2, 3 * units], dtype),
      };
    },
    apply(p, x, h) {
      // Both matmuls, then all gate math in one fused op: z|r = σ(x·W + b₀ + h·U + b₁),
      // cand = tanh(x·W_h + b₀ₕ + r∘(h·U_h + b₁ₕ)), h' = z∘h + (1 − z)∘cand.
      return tidy(() => gruResetAfter(matmul(x, p.kernel), matmul(h, p.recurrent_kernel), p.bias, h));
    },
  };
  return cell;
}

export const GRUCell = gruCell;

// ---- Sequential MLP -----------------------------------------------------------------------

export interface MLPOptions {
  activation?: Activation;
  /** Activation of the last layer (default none). */
  outActivation?: Activation;
  dtype?: DType;
}

export type MLPParams = Record<string, DenseParams>;

/**
 * `hidden.length` Dense layers with `activation`, then Dense(out): the Dreamer heads
 * (`feed_forward` in the reference). Params are keyed `dense0`, `dense1`, …, `out`.
 */
export function mlp(inputs: number, hidden: readonly number[], out: number, options: MLPOptions = {}): Layer<MLPParams> & { readonly layers: Record<string, Dense> } {
  const { activation = 'elu', outActivation = 'none', dtype = 'f32' } = options;
  const layers: Record<string, Dense> = {};
  let width = inputs;
  hidden.forEach((h, i) => {
    layers[`dense${i}`] = dense(width, h, { activation, dtype });
    width = h;
  });
  layers.out = dense(width, out, { activation: outActivation, dtype });
  const names = Object.keys(layers);
  return {
    layers,
    init(key) {
      const keys = key.split(names.length);
      const p: MLPParams = {};
      names.forEach((n, i) => (p[n] = layers[n].init(keys[i])));
      return p;
    },
    apply(p, x) {
      return tidy(() => {
        let y = x;
        for (const n of names) y = layers[n].apply(p[n], y);
        return y;
      });
    },
  };
}
