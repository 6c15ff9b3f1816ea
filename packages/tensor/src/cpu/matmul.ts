/**
 * CPU matmul. Operands are first laid out as row-major A [M, K] and B [K, N] (transposed
 * operands are copied once), then each output row is accumulated in float64 as
 * Σ_p A[i, p] · B[p, :] — an i-p-j order whose inner loop streams B's rows contiguously.
 */
import type { Operand } from '../backend.ts';
import { type TypedArray } from '../dtype.ts';

type Op = Operand<TypedArray>;

function rowMajor(x: Op, batchIndex: number, rows: number, cols: number, transposed: boolean): Float64Array {
  const n = rows * cols;
  const base = batchIndex * n;
  const out = new Float64Array(n);
  const src = x.buffer;
  if (!transposed) {
    for (let i = 0; i < n; i++) out[i] = src[base + i];
  } else {
    // stored as [cols, rows]
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = src[base + c * rows + r];
  }
  return out;
}

export function matmul(a: Op, b: Op, transA: boolean, transB: boolean, out: TypedArray): void {
  const m = transA ? a.shape[2] : a.shape[1];
  const k = transA ? a.shape[1] : a.shape[2];
  const n = transB ? b.shape[1] : b.shape[2];
  const batch = Math.max(a.shape[0], b.shape[0]);
  const row = new Float64Array(n);
  let A: Float64Array | null = null;
  let B: Float64Array | null = null;
  for (let bi = 0; bi < batch; bi++) {
    if (A === null || a.shape[0] > 1) A = rowMajor(a, a.shape[0] > 1 ? bi : 0, m, k, transA);
    if (B === null || b.shape[0] > 1) B = rowMajor(b, b.shape[0] > 1 ? bi : 0, k, n, transB);
    const base = bi * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      const aRow = i * k;
      for (let p = 0; p < k; p++) {
        const av = A[aRow + p];
        const bRow = p * n;
        for (let j = 0; j < n; j++) row[j] += av * B[bRow + j];
      }
      for (let j = 0; j < n; j++) out[base + i * n + j] = row[j];
    }
  }
}
