import { NumericsError } from './engine.ts';
import { fmt } from './shape.ts';
import type { Tensor } from './tensor.ts';

/** Throws a NumericsError naming `label` and the first NaN/Inf in `x` (reads x back). */
export async function assertFinite(x: Tensor, label = 'tensor'): Promise<void> {
  const values = await x.data();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new NumericsError(`${label}: value ${values[i]} at flat index ${i} (shape ${fmt(x.shape)})`);
    }
  }
}
