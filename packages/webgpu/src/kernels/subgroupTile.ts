/**
 * The 16-row × 32-column subgroup tile of kernels/matmulSubgroup.ts as WGSL fragments, for the
 * implicit-GEMM conv kernels that gather their operands differently but multiply alike. A
 * workgroup is one subgroup of 8 lanes; lane l owns all 16 rows × columns 4l..4l+3 in
 * `acc0..acc15` (vec4 over its 4 columns). A step consumes 4 k-steps: `b0..b3` hold the lane's 4
 * columns of B at k-steps 0..3, and the 16 rows of A arrive by `subgroupBroadcast` (the lane index
 * must be a constant, hence the full unroll) in one of two layouts:
 * - rows per lane: lane l loaded rows l and l+8 over the 4 k-steps (`a0`, `a1`, vec4 along k);
 * - k-steps per lane (rows 4g..4g+3 contiguous in memory, e.g. 4 channels of one pixel): lane l
 *   loaded rows 4(l%4)..+3 at k-step l/4 (`v0`) and l/4+2 (`v1`), vec4 along rows — two vec4 loads
 *   where the other layout needs eight scalar ones.
 */

export const TILE_M = 16;
export const TILE_N = 32;

const ROWS = Array.from({ length: TILE_M }, (_, i) => i);
const K4 = [0, 1, 2, 3];
const COMP = ['x', 'y', 'z', 'w'];

export function tileAccumulators(): string {
  return ROWS.map((i) => `  var acc${i} = vec4<f32>();`).join('\n');
}

/** b0..b3 from t0..t3, the lane's 4 columns each read as a vec4 along k (a 4×4 register transpose). */
export function transposeB(indent: string): string {
  return K4.map((j) => `${indent}let b${j} = vec4<f32>(${K4.map((i) => `t${i}.${COMP[j]}`).join(', ')});`).join('\n');
}

/** 64 vec4 FMAs from `a0`/`a1` (rows per lane). */
export function stepRowsPerLane(indent: string): string {
  return ROWS.map(
    (i) => `${indent}{ let av = subgroupBroadcast(${i < 8 ? 'a0' : 'a1'}, ${i % 8}u);
${K4.map((j) => `${indent}  acc${i} = fma(vec4<f32>(av.${COMP[j]}), b${j}, acc${i});`).join('\n')} }`,
  ).join('\n');
}

/** 64 vec4 FMAs from `v0`/`v1` (k-steps per lane). */
export function stepKPerLane(indent: string): string {
  const out: string[] = [];
  for (const g of K4) {
    for (const j of K4) {
      out.push(`${indent}{ let av = subgroupBroadcast(${j < 2 ? 'v0' : 'v1'}, ${g + 4 * (j % 2)}u);
${K4.map((q) => `${indent}  acc${4 * g + q} = fma(vec4<f32>(av.${COMP[q]}), b${j}, acc${4 * g + q});`).join('\n')} }`);
    }
  }
  return out.join('\n');
}

/**
 * Writes the tile: `rowBase(r)` is WGSL for the flat index of column 0 of tile row r (only called
 * for r < rows), `n0` the lane's first column, `cols` the column count. With `vec4Out` (cols % 4 = 0)
 * `out` is bound as vec4 and each row is one store.
 */
export function tileStore(rows: string, rowBase: (r: string) => string, n0: string, cols: string, vec4Out: boolean): string {
  const store = (i: number): string =>
    vec4Out
      ? `    out[(${rowBase(`m0 + ${i}`)} + ${n0}) / 4] = acc${i};`
      : `    let o = ${rowBase(`m0 + ${i}`)} + ${n0};
${K4.map((j) => `    ${j === 0 ? '' : `if (${n0} + ${j} < ${cols}) { `}out[o + ${j}] = acc${i}.${COMP[j]};${j === 0 ? '' : ' }'}`).join('\n')}`;
  return `  if (${n0} >= ${cols}) { return; }
${ROWS.map((i) => `  if (m0 + ${i} < ${rows}) {\n${store(i)}\n  }`).join('\n')}`;
}

export function outBinding(vec4Out: boolean): string {
  return `@group(0) @binding(3) var<storage, read_write> out: array<${vec4Out ? 'vec4<f32>' : 'f32'}>;`;
}
