/**
 * Initialisers, all keyed by a RandomKey so initialisation is reproducible on every backend.
 * Fan computation follows TF/Keras: for a kernel of shape [..., fanIn, fanOut] the receptive
 * field (product of the leading axes) multiplies both fans.
 */
import { type DType, RandomKey, type Shape, Tensor, fillNormal, randomUniform, tensor, zeros as zerosOp } from '@dreamer/tensor';

export type Initializer = (key: RandomKey, shape: Shape, dtype?: DType) => Tensor;

/** [fanIn, fanOut] as TF computes them (for a vector, both are its length). */
export function fans(shape: Shape): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

/** U(−l, l) with l = sqrt(6 / (fanIn + fanOut)) — TF's default kernel initialiser. */
export const glorotUniform: Initializer = (key, shape, dtype = 'f32') => {
  const [fanIn, fanOut] = fans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform(key, shape, { low: -limit, high: limit, dtype });
};

export const zeros: Initializer = (_key, shape, dtype = 'f32') => zerosOp(shape, dtype);

/** A constant initialiser (e.g. the GRUBlockCell gate bias of 1). */
export function constant(value: number): Initializer {
  return (_key, shape, dtype = 'f32') => {
    const t = zerosOp(shape, dtype);
    if (value === 0) return t;
    const out = t.add(value);
    t.dispose();
    return out;
  };
}

/**
 * Orthogonal initialiser (as Keras): a [rows, cols] matrix (leading axes folded into rows)
 * with orthonormal rows or columns, from Gram–Schmidt on N(0, 1) draws made on the CPU, with
 * the sign convention of QR (diag(R) > 0). Times `gain`.
 */
export function orthogonal(gain = 1): Initializer {
  return (key, shape, dtype = 'f32') => {
    if (shape.length < 2) throw new RangeError(`orthogonal: needs a shape of rank ≥ 2, got [${shape.join(', ')}]`);
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    // Orthonormalise the columns of a tall matrix [n, k] (n ≥ k), transposing if needed.
    const n = Math.max(rows, cols);
    const k = Math.min(rows, cols);
    const a = new Float64Array(n * k);
    fillNormal(a, key.words);
    const q = new Float64Array(n * k); // column-major: column j at q[j*n .. j*n+n)
    for (let j = 0; j < k; j++) {
      const v = a.slice(j * n, j * n + n);
      // Modified Gram–Schmidt, twice for numerical safety.
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < j; p++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += q[p * n + i] * v[i];
          for (let i = 0; i < n; i++) v[i] -= dot * q[p * n + i];
        }
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v[i] * v[i];
      norm = Math.sqrt(norm);
      if (norm < 1e-12) throw new Error('orthogonal: degenerate random draw (rank deficient)');
      for (let i = 0; i < n; i++) q[j * n + i] = v[i] / norm;
    }
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // rows ≥ cols: out[r, c] = q[c][r]; rows < cols: out = qᵀ, out[r, c] = q[r][c]
        out[r * cols + c] = gain * (rows >= cols ? q[c * n + r] : q[r * n + c]);
      }
    }
    return tensor(dtype === 'f64' ? out : Float32Array.from(out), shape, dtype);
  };
}
