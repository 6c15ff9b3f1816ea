/** fill: every 32-bit word of the output gets the value's bits (P[1]); dtype-agnostic. */
import { MAIN_1D, PARAMS } from './common.ts';

export function fillWGSL(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
${MAIN_1D}
  out[i] = P[1];
}`;
}
