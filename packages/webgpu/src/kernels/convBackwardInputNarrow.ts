/**
 * conv2d backward input for few input channels (C ≤ NARROW_MAX_C; the decoder's last layer has
 * C = 3), where 32-column tiles over C would be mostly idle. The stride phases are merged into the
 * columns instead of split over the grid: a row is a "super-pixel" (n, yy, xx) owning the sh·sw dx
 * pixels (yy·sh + py, xx·sw + px), and a column is (py, px, c), so J = sh·sw·C columns (12 for
 * C = 3, stride 2). Every phase reads dy at (yy + u, xx + v) for u, v in small ranges (a phase's tap
 * ti reads u = dy0(py) − ti, see convGeometry.ts), so K = (u, v, o) is shared by all columns and B is
 * the filter rearranged once per call by `narrowFilterWGSL` into [U·V·O, J] (0 where a phase has no
 * tap at that offset). Each vec4 of dy then feeds all J columns: 3× the work per load of a
 * per-phase 4-channel tile at C = 3, s = 2.
 *
 * Tiling: a lane owns 8 rows (l + LANES·i) × JG vec4 columns (JG = min(4, ⌈J/4⌉); grid x walks the
 * column groups). Per 4 k-steps a lane loads a vec4 of dy along o per row (masked scalars when
 * O % 4 ≠ 0) and the 4·JG vec4s of B, shared by all lanes: on the subgroup variant (8 lanes) each
 * lane loads at most two of them and `subgroupBroadcast` hands them round; the portable variant (64
 * lanes) loads all per lane. A workgroup visits only the (u, v) that reach its rows.
 * Params: the conv geometry (convGeometry.ts), then [17] uLo, [18] U, [19] vLo, [20] V, [21] J,
 * [22] ⌈J/4⌉. Grid (⌈⌈J/4⌉/JG⌉, ⌈N·⌈H/sh⌉·⌈W/sw⌉/(LANES·8)⌉, 1).
 */
import { PARAMS, WG } from './common.ts';
import { GEOMETRY_WGSL } from './convGeometry.ts';

export const NARROW_MAX_C = 8;
export const NARROW_ROWS_PER_LANE = 8;
export const narrowLanes = (subgroup: boolean): number => (subgroup ? 8 : 64);
export const narrowColumnGroup = (j: number): number => Math.min(4, Math.ceil(j / 4));

const K4 = [0, 1, 2, 3];
const COMP = ['x', 'y', 'z', 'w'];
const R = Array.from({ length: NARROW_ROWS_PER_LANE }, (_, i) => i);

export function conv2dBackwardInputNarrowWGSL(subgroup: boolean, vecO: boolean, jg: number): string {
  const lanes = narrowLanes(subgroup);
  const rows = lanes * NARROW_ROWS_PER_LANE;
  const JJ = Array.from({ length: jg }, (_, j) => j);
  // B vec4 q = k-step · jg + column jj: Bm row bRow + o4·4 + k, vec4 column jc0 + jj.
  const bIndex = (q: string): string => `Bm[(bRow + o4 * 4 + (${q}) / ${jg}) * J4 + min(jc0 + (${q}) % ${jg}, J4 - 1)]`;
  const bLoads = subgroup
    ? `        let bl0 = ${bIndex('min(l, ' + (4 * jg - 1) + ')')};
${4 * jg > 8 ? `        let bl1 = ${bIndex(`min(l + 8, ${4 * jg - 1})`)};\n` : ''}${K4.flatMap((k) => JJ.map((jj) => {
        const q = k * jg + jj;
        return `        let b${k}_${jj} = subgroupBroadcast(${q < 8 ? 'bl0' : 'bl1'}, ${q % 8}u);`;
      })).join('\n')}`
    : K4.flatMap((k) => JJ.map((jj) => `        let b${k}_${jj} = ${bIndex(`${k * jg + jj}`)};`)).join('\n');
  const aLoad = (i: number): string =>
    vecO
      ? `select(vec4<f32>(), DY[d${i} + o4], v${i})`
      : `vec4<f32>(${K4.map((k) => `dyAt(d${i} + o4 * 4 + ${k}, v${i} && o4 * 4 + ${k} < g.O)`).join(', ')})`;
  const unit = vecO ? 'O4' : 'g.O';
  return `${subgroup ? 'enable subgroups;\n' : ''}@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> DY: array<${vecO ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read> Bm: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${GEOMETRY_WGSL}
${vecO ? '' : 'fn dyAt(i: i32, ok: bool) -> f32 { return select(0.0, DY[select(0, i, ok)], ok); }'}
// Super-pixel row r as (n, yy, xx), batch fastest (as in the per-phase kernels).
fn rowOf(r: i32, N: i32, Ws: i32) -> vec3<i32> { let s = r / N; return vec3<i32>(r % N, s / Ws, s % Ws); }
@compute @workgroup_size(${lanes})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let g = geo();
  let Hs = (g.H + g.sh - 1) / g.sh; let Ws = (g.W + g.sw - 1) / g.sw;
  let rows = g.N * Hs * Ws;
  let m0 = i32(wid.y + P[13]) * ${rows};
  if (m0 >= rows) { return; }
  let uLo = i32(P[17]); let U = i32(P[18]); let vLo = i32(P[19]); let V = i32(P[20]);
  let J = i32(P[21]); let J4 = i32(P[22]);
  let O4 = (g.O + 3) / 4;
  let l = i32(lane);
  let jc0 = i32(wid.x + P[14]) * ${jg};
  let last = min(m0 + ${rows - 1}, rows - 1);
  // The (u, v) that reach a row of this tile: 0 ≤ yy + u < OH for some yy of the tile.
  let sa = m0 / g.N; let sb = last / g.N;
  let ya = sa / Ws; let yb = sb / Ws;
  let xa = select(0, sa % Ws, ya == yb); let xb = select(Ws - 1, sb % Ws, ya == yb);
  let uFirst = max(uLo, -yb); let uLast = min(uLo + U - 1, g.OH - 1 - ya);
  let vFirst = max(vLo, -xb); let vLast = min(vLo + V - 1, g.OW - 1 - xa);
${R.map((i) => `  let r${i} = rowOf(min(m0 + l + ${lanes * i}, last), g.N, Ws);`).join('\n')}
${R.flatMap((i) => JJ.map((jj) => `  var acc${i}_${jj} = vec4<f32>();`)).join('\n')}
  for (var u = uFirst; u <= uLast; u++) {
    for (var v = vFirst; v <= vLast; v++) {
${R.map(
  (i) => `      let oy${i} = r${i}.y + u; let ox${i} = r${i}.z + v;
      let v${i} = oy${i} >= 0 && oy${i} < g.OH && ox${i} >= 0 && ox${i} < g.OW;
      let d${i} = select(0, ((r${i}.x * g.OH + oy${i}) * g.OW + ox${i}) * ${unit}, v${i});`,
).join('\n')}
      let bRow = ((u - uLo) * V + v - vLo) * O4 * 4;
      for (var o4 = 0; o4 < O4; o4++) {
${bLoads}
${R.map(
  (i) => `        { let a = ${aLoad(i)};
${JJ.map((jj) => `          acc${i}_${jj} = fma(vec4<f32>(a.x), b0_${jj}, fma(vec4<f32>(a.y), b1_${jj}, fma(vec4<f32>(a.z), b2_${jj}, fma(vec4<f32>(a.w), b3_${jj}, acc${i}_${jj}))));`).join('\n')} }`,
).join('\n')}
      }
    }
  }
${R.map(
  (i) => `  if (m0 + l + ${lanes * i} < rows) {
${JJ.flatMap((jj) =>
  K4.map((q) => `    store(g, r${i}, (jc0 + ${jj}) * 4 + ${q}, J, acc${i}_${jj}.${COMP[q]});`),
).join('\n')}
  }`,
).join('\n')}
}
// Column j = (py, px, c) of super-pixel q = (n, yy, xx) is dx[n, yy·sh + py, xx·sw + px, c].
fn store(g: Geo, q: vec3<i32>, j: i32, J: i32, value: f32) {
  let py = j / (g.sw * g.C); let px = (j / g.C) % g.sw; let c = j % g.C;
  let y = q.y * g.sh + py; let x = q.z * g.sw + px;
  if (j < J && y < g.H && x < g.W) { out[((q.x * g.H + y) * g.W + x) * g.C + c] = value; }
}`;
}

/**
 * The narrow kernel's B: Bm[(u − uLo, v − vLo, o), (py, px, c)] = w[ki, kj, c, o] with ki = ki0(py) +
 * (dy0(py) − u)·sh when that is one of phase py's taps (likewise kj), else 0; o padded to ⌈O/4⌉·4
 * and the columns to ⌈J/4⌉·4 (zeros), so the kernel reads whole vec4 steps. A thread per element. Params: the conv geometry, [17..22] as the kernel's, [23]
 * the element count.
 */
export function narrowFilterWGSL(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> Wt: array<f32>;
@group(0) @binding(2) var<storage, read_write> Bm: array<f32>;
${GEOMETRY_WGSL}
// The tap of phase p along one axis that reads dy offset t (−1 if none): ki0 + (dy0 − t)·s.
fn tapAt(p: i32, t: i32, pad: i32, s: i32, k: i32) -> i32 {
  let k0 = (p + pad) % s; let taps = (k - k0 + s - 1) / s; let ti = (p + pad - k0) / s - t;
  return select(-1, k0 + ti * s, ti >= 0 && ti < taps);
}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i >= P[23]) { return; }
  let g = geo();
  let J = i32(P[21]); let Jp = i32(P[22]) * 4;
  let e = i32(i);
  let j = e % Jp; let rk = e / Jp;
  let O4 = (g.O + 3) / 4;
  let o = rk % (O4 * 4); let uv = rk / (O4 * 4);
  let t = i32(P[17]) + uv / i32(P[20]); let s = i32(P[19]) + uv % i32(P[20]);
  let py = j / (g.sw * g.C); let px = (j / g.C) % g.sw; let c = j % g.C;
  let ki = tapAt(py, t, g.pt, g.sh, g.KH); let kj = tapAt(px, s, g.pl, g.sw, g.KW);
  let ok = j < J && o < g.O && ki >= 0 && kj >= 0;
  Bm[i] = select(0.0, Wt[select(0, ((ki * g.KW + kj) * g.C + c) * g.O + o, ok)], ok);
}`;
}
