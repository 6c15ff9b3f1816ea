/** Metrics stay on the device until asked for: one read for all of them, then they are freed. */
import { type Tensor, cast, dispose, stack, tidy } from '@dreamer/tensor';

export async function readMetrics(metrics: Record<string, Tensor>): Promise<Record<string, number>> {
  const names = Object.keys(metrics);
  if (names.length === 0) return {};
  const packed = tidy(() => stack(names.map((n) => (metrics[n].dtype === 'f32' ? metrics[n].reshape([]) : cast(metrics[n], 'f32').reshape([]))), 0));
  try {
    const values = await packed.data();
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  } finally {
    dispose([packed, metrics]);
  }
}
