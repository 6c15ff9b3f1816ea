/**
 * Concatenation of k inputs along one axis in one launch (the strided copy would take one launch
 * per input, and on lavapipe a launch costs more than copying a few thousand elements). Shapes
 * are viewed as [outer, len_j, inner]; the output is [outer, T, inner]. A thread per output element
 * of the launch's inputs: its axis coordinate picks the input by an unrolled comparison chain
 * (bindings cannot be indexed at run time), so the number of inputs is compiled in. Works on raw
 * 32-bit words.
 * Params: [n, Tc·inner, inner, T, chunkOffset, start_1 … start_{k−1}, len_0 … len_{k−1}] where the
 * launch covers axis positions chunkOffset … chunkOffset + Tc of the output (the backend splits
 * more inputs than the storage-buffer limit allows into several launches) and start_j is input j's
 * first position within the launch.
 */
import { MAIN_1D, PARAMS } from './common.ts';

export function concatWGSL(k: number): string {
  const js = Array.from({ length: k }, (_, j) => j);
  const start = (j: number): string => (j === 0 ? '0u' : `P[${4 + j}]`);
  const len = (j: number): string => `P[${4 + k + j}]`;
  const read = (j: number): string => `X${j}[(o * ${len(j)} + a - ${start(j)}) * inner + c]`;
  let chain = `v = ${read(k - 1)};`;
  for (let j = k - 2; j >= 0; j--) chain = `if (a < ${start(j + 1)}) { v = ${read(j)}; } else { ${chain} }`;
  return `${PARAMS}
${js.map((j) => `@group(0) @binding(${j + 1}) var<storage, read> X${j}: array<u32>;`).join('\n')}
@group(0) @binding(${k + 1}) var<storage, read_write> out: array<u32>;
${MAIN_1D}
  let inner = P[2];
  let o = i / P[1];
  let rest = i - o * P[1];
  let a = rest / inner;
  let c = rest - a * inner;
  var v = 0u;
  ${chain}
  out[(o * P[3] + P[4] + a) * inner + c] = v;
}`;
}
