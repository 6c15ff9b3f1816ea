/**
 * An independent float64 reference of the world model's objective for the parity tests: plain
 * loops over one sequence and one time step at a time, no tensor engine, no autodiff. It reads
 * weights by the parameter names of @dreamer/nn (`encoder/conv0/kernel`, …) and takes the noise
 * (dequantised image, posterior ε) as arrays, so it can be run on the implementation's draws.
 */

export type Weights = Map<string, Float64Array>;

export interface ReferenceConfig {
  deter: number;
  stoch: number;
  hidden: number;
  minStd: number;
  gru: 'block' | 'keras';
  act: 'elu' | 'relu';
  depth: number;
  channels: number;
  rewardLayers: number;
  pcontLayers: number;
  freeNats: number;
  freeNatsMode: 'step' | 'mean';
  divergenceScale: number;
  pcontTarget: number;
  pcontScale: number;
  /** Whether the pcont objective trains the model (a gradient head) or only its head. */
  pcontGradient: boolean;
}

export interface ReferenceBatch {
  B: number;
  T: number;
  /** Preprocessed images [B][T] each 64·64·C (HWC). */
  image: Float64Array[][];
  action: Float64Array[][];
  reward: number[][];
  discount: number[][];
  /** Posterior ε [B][T] each `stoch`. */
  eps: Float64Array[][];
}

export interface ReferenceResult {
  kl: number[];
  divergence: number;
  image: number;
  reward: number;
  pcont: number;
  /** The loss the model optimiser minimises (gradient heads and KL). */
  model: number;
  /** The loss of the stop-gradient heads (pcont unless it is a gradient head). */
  side: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const activations = { elu: (x: number) => (x > 0 ? x : Math.expm1(x)), relu: (x: number) => Math.max(x, 0), none: (x: number) => x };
type Act = keyof typeof activations;

function w(weights: Weights, name: string): Float64Array {
  const v = weights.get(name);
  if (!v) throw new Error(`reference: no weight ${name}`);
  return v;
}

/** y_j = act(b_j + Σ_i x_i K_ij), K [in, out] row-major. */
export function denseRef(weights: Weights, name: string, x: Float64Array, act: Act = 'none'): Float64Array {
  const kernel = w(weights, `${name}/kernel`);
  const bias = w(weights, `${name}/bias`);
  const out = bias.length;
  if (kernel.length !== x.length * out) throw new Error(`reference: ${name} kernel has ${kernel.length} entries, expected ${x.length}·${out}`);
  const y = new Float64Array(out);
  for (let j = 0; j < out; j++) {
    let s = bias[j];
    for (let i = 0; i < x.length; i++) s += x[i] * kernel[i * out + j];
    y[j] = activations[act](s);
  }
  return y;
}

const cat = (...xs: Float64Array[]): Float64Array => {
  const out = new Float64Array(xs.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of xs) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};

/** VALID stride-s conv of one HWC image; kernel [K, K, Cin, Cout]. */
function convRef(weights: Weights, name: string, x: Float64Array, size: number, cin: number, k: number, act: Act): { y: Float64Array; size: number } {
  const kernel = w(weights, `${name}/kernel`);
  const bias = w(weights, `${name}/bias`);
  const cout = bias.length;
  const osize = Math.floor((size - k) / 2) + 1;
  const y = new Float64Array(osize * osize * cout);
  for (let oy = 0; oy < osize; oy++)
    for (let ox = 0; ox < osize; ox++)
      for (let co = 0; co < cout; co++) {
        let s = bias[co];
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++)
            for (let ci = 0; ci < cin; ci++) s += x[((oy * 2 + ky) * size + ox * 2 + kx) * cin + ci] * kernel[((ky * k + kx) * cin + ci) * cout + co];
        y[(oy * osize + ox) * cout + co] = activations[act](s);
      }
  return { y, size: osize };
}

/** VALID stride-2 transposed conv: out[2i + ky, 2j + kx, co] += x[i, j, ci] · K[ky, kx, co, ci]. */
function deconvRef(weights: Weights, name: string, x: Float64Array, size: number, cin: number, k: number, act: Act): { y: Float64Array; size: number } {
  const kernel = w(weights, `${name}/kernel`);
  const bias = w(weights, `${name}/bias`);
  const cout = bias.length;
  const osize = (size - 1) * 2 + k;
  const y = new Float64Array(osize * osize * cout);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++)
      for (let ci = 0; ci < cin; ci++) {
        const v = x[(i * size + j) * cin + ci];
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++)
            for (let co = 0; co < cout; co++) y[((i * 2 + ky) * osize + j * 2 + kx) * cout + co] += v * kernel[((ky * k + kx) * cout + co) * cin + ci];
      }
  for (let p = 0; p < osize * osize; p++) for (let co = 0; co < cout; co++) y[p * cout + co] = activations[act](y[p * cout + co] + bias[co]);
  return { y, size: osize };
}

function encoderRef(weights: Weights, image: Float64Array, c: ReferenceConfig): Float64Array {
  let h = { y: image, size: 64 };
  let cin = c.channels;
  [1, 2, 4, 8].forEach((m, i) => {
    h = convRef(weights, `encoder/conv${i}`, h.y, h.size, cin, 4, 'relu');
    cin = c.depth * m;
  });
  return h.y;
}

function decoderRef(weights: Weights, feat: Float64Array, c: ReferenceConfig): Float64Array {
  let h = { y: denseRef(weights, 'heads/image/dense', feat), size: 1 };
  const layers: [number, number, Act][] = [
    [32 * c.depth, 5, 'relu'],
    [4 * c.depth, 5, 'relu'],
    [2 * c.depth, 6, 'relu'],
    [c.depth, 6, 'none'],
  ];
  layers.forEach(([cin, k, act], i) => (h = deconvRef(weights, `heads/image/deconv${i}`, h.y, h.size, cin, k, act)));
  return h.y;
}

/** `layers` × Dense(act) then Dense `out`, under `name/` (or at the top level when name is ''). */
function mlpRef(weights: Weights, name: string, x: Float64Array, layers: number, act: Act): Float64Array {
  const at = (layer: string) => (name ? `${name}/${layer}` : layer);
  let h = x;
  for (let i = 0; i < layers; i++) h = denseRef(weights, at(`dense${i}`), h, act);
  return denseRef(weights, at('out'), h);
}

/** TF1 GRUBlockCell: [r, u] = σ([x, h]W_ru + b_ru); c = tanh([x, r∘h]W_c + b_c); h' = (1 − u)c + u h. */
function gruBlockRef(weights: Weights, x: Float64Array, h: Float64Array): Float64Array {
  const n = h.length;
  const ru = denseRef(new Map([['g/kernel', w(weights, 'rssm/cell/kernel_ru')], ['g/bias', w(weights, 'rssm/cell/bias_ru')]]), 'g', cat(x, h));
  const r = ru.subarray(0, n).map(sigmoid);
  const u = ru.subarray(n).map(sigmoid);
  const c = denseRef(new Map([['g/kernel', w(weights, 'rssm/cell/kernel_c')], ['g/bias', w(weights, 'rssm/cell/bias_c')]]), 'g', cat(x, h.map((v, i) => r[i] * v))).map(Math.tanh);
  return c.map((cv, i) => (1 - u[i]) * cv + u[i] * h[i]);
}

/** Keras GRUCell(reset_after=True), gate columns [z | r | h]. */
function gruKerasRef(weights: Weights, x: Float64Array, h: Float64Array): Float64Array {
  const n = h.length;
  const bias = w(weights, 'rssm/cell/bias');
  const xs = denseRef(new Map([['g/kernel', w(weights, 'rssm/cell/kernel')], ['g/bias', bias.subarray(0, 3 * n)]]), 'g', x);
  const hs = denseRef(new Map([['g/kernel', w(weights, 'rssm/cell/recurrent_kernel')], ['g/bias', bias.subarray(3 * n)]]), 'g', h);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = sigmoid(xs[i] + hs[i]);
    const r = sigmoid(xs[n + i] + hs[n + i]);
    const cand = Math.tanh(xs[2 * n + i] + r * hs[2 * n + i]);
    out[i] = z * h[i] + (1 - z) * cand;
  }
  return out;
}

export interface RefState {
  mean: Float64Array;
  std: Float64Array;
  stoch: Float64Array;
  deter: Float64Array;
}

/** The prior step; `eps` (optional) draws its sample, otherwise stoch = mean. */
export function imgStepRef(weights: Weights, prev: RefState, action: Float64Array, c: ReferenceConfig, eps?: Float64Array): RefState {
  const x = denseRef(weights, 'rssm/prior_in0', cat(prev.stoch, action), c.act);
  const deter = c.gru === 'block' ? gruBlockRef(weights, x, prev.deter) : gruKerasRef(weights, x, prev.deter);
  const h = denseRef(weights, 'rssm/prior_hidden0', deter, c.act);
  const mean = denseRef(weights, 'rssm/prior_mean', h);
  const std = denseRef(weights, 'rssm/prior_std', h).map((v) => softplus(v) + c.minStd);
  return { mean, std, stoch: eps ? mean.map((m, i) => m + std[i] * eps[i]) : mean, deter };
}

export const featuresRef = (s: RefState): Float64Array => cat(s.stoch, s.deter);
export const zeroState = (c: ReferenceConfig): RefState => ({ mean: new Float64Array(c.stoch), std: new Float64Array(c.stoch), stoch: new Float64Array(c.stoch), deter: new Float64Array(c.deter) });
export const rewardRef = (weights: Weights, feat: Float64Array, layers: number, act: Act): number => mlpRef(weights, 'heads/reward', feat, layers, act)[0];
export const pcontRef = (weights: Weights, feat: Float64Array, layers: number, act: Act): number => sigmoid(mlpRef(weights, 'heads/pcont', feat, layers, act)[0]);
export { mlpRef, softplus, sigmoid, LOG_2PI };

export function worldModelLossRef(weights: Weights, batch: ReferenceBatch, c: ReferenceConfig): ReferenceResult {
  const kl: number[] = [];
  let image = 0;
  let reward = 0;
  let pcont = 0;
  for (let b = 0; b < batch.B; b++) {
    let state = zeroState(c);
    for (let t = 0; t < batch.T; t++) {
      const embed = encoderRef(weights, batch.image[b][t], c);
      const prior = imgStepRef(weights, state, batch.action[b][t], c);
      const h = denseRef(weights, 'rssm/post_hidden0', cat(prior.deter, embed), c.act);
      const mean = denseRef(weights, 'rssm/post_mean', h);
      const std = denseRef(weights, 'rssm/post_std', h).map((v) => softplus(v) + c.minStd);
      state = { mean, std, stoch: mean.map((m, i) => m + std[i] * batch.eps[b][t][i]), deter: prior.deter };
      let k = 0;
      for (let i = 0; i < c.stoch; i++) k += Math.log(prior.std[i] / std[i]) + (std[i] ** 2 + (mean[i] - prior.mean[i]) ** 2) / (2 * prior.std[i] ** 2) - 0.5;
      kl.push(k);
      const feat = featuresRef(state);
      const pixels = decoderRef(weights, feat, c);
      const target = batch.image[b][t];
      // Squared errors summed with compensation and the constant added once: the finite
      // differences taken of this loss need it to carry as few rounding errors as possible.
      let sq = 0;
      let carry = 0;
      for (let p = 0; p < pixels.length; p++) {
        const y = (target[p] - pixels[p]) ** 2 - carry;
        const next = sq + y;
        carry = next - sq - y;
        sq = next;
      }
      image += -0.5 * sq - 0.5 * LOG_2PI * pixels.length;
      reward += -0.5 * (batch.reward[b][t] - rewardRef(weights, feat, c.rewardLayers, c.act)) ** 2 - 0.5 * LOG_2PI;
      const logit = mlpRef(weights, 'heads/pcont', feat, c.pcontLayers, c.act)[0];
      const y = batch.discount[b][t] * c.pcontTarget;
      pcont += -(y * softplus(-logit) + (1 - y) * softplus(logit));
    }
  }
  const n = batch.B * batch.T;
  const meanKl = kl.reduce((s, v) => s + v, 0) / n;
  const divergence = c.freeNatsMode === 'step' ? kl.reduce((s, v) => s + Math.max(0, v - c.freeNats), 0) / n : Math.max(meanKl, c.freeNats);
  [image, reward, pcont] = [image / n, reward / n, pcont / n];
  const model = c.divergenceScale * divergence - image - reward - (c.pcontGradient ? c.pcontScale * pcont : 0);
  return { kl, divergence, image, reward, pcont, model, side: c.pcontGradient ? 0 : -c.pcontScale * pcont };
}
