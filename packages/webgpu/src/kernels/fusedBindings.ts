/**
 * Binding declarations shared by the fused kernels (gru.ts, adam.ts, distributions.ts): f32
 * inputs from binding 1, then the outputs a mask selects. A kernel with more buffers than the
 * device's storage-buffer limit is launched several times, each writing a subset of the
 * outputs (see fused.ts); every variant reads each input once (`touch`), because a pipeline's
 * 'auto' layout drops bindings the code never reads and the bind group would then not match.
 */

export interface FusedBuffers {
  /** WGSL declarations of the inputs and the selected outputs. */
  readonly decls: string;
  /** Statements reading every input, for the 'auto' layout. */
  readonly touch: string;
  /** `out[index] = expr;` for output k, or nothing where the mask leaves it out. */
  store(k: number, index: string, expr: string): string;
}

export function fusedBuffers(inputs: readonly string[], outputs: readonly string[], mask: readonly boolean[] = outputs.map(() => true)): FusedBuffers {
  const lines = inputs.map((name, k) => `@group(0) @binding(${k + 1}) var<storage, read> ${name}: array<f32>;`);
  let binding = inputs.length + 1;
  outputs.forEach((name, k) => {
    if (mask[k]) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${name}: array<f32>;`);
  });
  return {
    decls: lines.join('\n'),
    touch: inputs.map((name) => `_ = ${name}[0];`).join(' '),
    store: (k, index, expr) => (mask[k] ? `${outputs[k]}[${index}] = ${expr};` : ''),
  };
}
