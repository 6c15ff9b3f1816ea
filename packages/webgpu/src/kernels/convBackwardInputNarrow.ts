/**
 * conv2d backward input for few input channels (C ≤ NARROW_MAX_C; the decoder's last layer has
 * C = 3), where the 32-column tiles of convBackwardInputSubgroup.ts / ...Blocked.ts would be
 * mostly idle. Same stride-phase implicit GEMM (convGeometry.ts), tiled the other way round: a
 * lane owns 8 rows (l + LANES·i) × 4 columns, so a workgroup covers LANES·8 rows × 4 channels and
 * grid x walks the ⌈C/4⌉ channel groups. Per 4 k-steps a lane loads a vec4 of dy along o for each
 * of its rows (masked scalars when O % 4 ≠ 0) and the 4 columns of w, shared by all lanes: on the
 * subgroup variant (8 lanes) lane j < 4 loads column j and `subgroupBroadcast` hands it round; the
 * portable variant (64 lanes) loads all four per lane. Then 32 vec4 FMAs.
 * Grid (⌈C/4⌉, ⌈max phase rows/(LANES·8)⌉, sh·sw).
 */
import { GEOMETRY_WGSL, PHASE_WGSL } from './convGeometry.ts';

export const NARROW_MAX_C = 8;
export const NARROW_ROWS_PER_LANE = 8;
export const narrowLanes = (subgroup: boolean): number => (subgroup ? 8 : 64);

const J = [0, 1, 2, 3];
const COMP = ['x', 'y', 'z', 'w'];
const R = Array.from({ length: NARROW_ROWS_PER_LANE }, (_, i) => i);

export function conv2dBackwardInputNarrowWGSL(subgroup: boolean, vecO: boolean): string {
  const lanes = narrowLanes(subgroup);
  const rows = lanes * NARROW_ROWS_PER_LANE;
  const el = vecO ? 'vec4<f32>' : 'f32';
  const unit = vecO ? 'O4' : 'g.O';
  const wVec = (base: string): string => (vecO ? `Wt[${base} + o4]` : `vec4<f32>(${J.map((k) => `wAt(${base} + o4 * 4 + ${k}, o4 * 4 + ${k} < g.O)`).join(', ')})`);
  const wSetup = subgroup
    ? `      let wl = (wt + min(c0 + min(l, 3), g.C - 1)) * ${unit};`
    : J.map((j) => `      let w${j} = (wt + min(c0 + ${j}, g.C - 1)) * ${unit};`).join('\n');
  const wLoads = subgroup
    ? `        let wv = ${wVec('wl')};
${J.map((j) => `        let t${j} = subgroupBroadcast(wv, ${j}u);`).join('\n')}`
    : J.map((j) => `        let t${j} = ${wVec(`w${j}`)};`).join('\n');
  const aLoad = (i: number): string =>
    vecO
      ? `select(vec4<f32>(), DY[d${i} + o4], v${i})`
      : `vec4<f32>(${J.map((k) => `dyAt(d${i} + o4 * 4 + ${k}, v${i} && o4 * 4 + ${k} < g.O)`).join(', ')})`;
  return `${subgroup ? 'enable subgroups;\n' : ''}@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> DY: array<${el}>;
@group(0) @binding(2) var<storage, read> Wt: array<${el}>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${GEOMETRY_WGSL}
${PHASE_WGSL}
${vecO ? '' : `fn dyAt(i: i32, ok: bool) -> f32 { return select(0.0, DY[select(0, i, ok)], ok); }
fn wAt(i: i32, ok: bool) -> f32 { return select(0.0, Wt[select(0, i, ok)], ok); }`}
@compute @workgroup_size(${lanes})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let g = geo();
  let ph = phaseOf(g, i32(wid.z));
  let m0 = i32(wid.y + P[13]) * ${rows};
  if (m0 >= ph.rows) { return; }
  let O4 = (g.O + 3) / 4;
  let l = i32(lane);
  let c0 = i32(wid.x + P[14]) * 4;
  let last = min(m0 + ${rows - 1}, ph.rows - 1);
  let taps = tapBox(g, ph, m0, last);
${R.map((i) => `  let r${i} = rowOf(min(m0 + l + ${lanes * i}, last), g.N, ph.Wp);`).join('\n')}
${R.map((i) => `  var acc${i} = vec4<f32>();`).join('\n')}
  for (var ti = taps.x; ti <= taps.y; ti++) {
    let ki = ph.ki0 + ti * g.sh;
    for (var tj = taps.z; tj <= taps.w; tj++) {
      let kj = ph.kj0 + tj * g.sw;
${R.map(
  (i) => `      let oy${i} = r${i}.y + ph.dy0 - ti; let ox${i} = r${i}.z + ph.dx0 - tj;
      let v${i} = oy${i} >= 0 && oy${i} < g.OH && ox${i} >= 0 && ox${i} < g.OW;
      let d${i} = select(0, ((r${i}.x * g.OH + oy${i}) * g.OW + ox${i}) * ${unit}, v${i});`,
).join('\n')}
      let wt = (ki * g.KW + kj) * g.C;
${wSetup}
      for (var o4 = 0; o4 < O4; o4++) {
${wLoads}
${J.map((k) => `        let b${k} = vec4<f32>(${J.map((j) => `t${j}.${COMP[k]}`).join(', ')});`).join('\n')}
${R.map((i) => `        { let a = ${aLoad(i)};
          acc${i} = fma(vec4<f32>(a.x), b0, fma(vec4<f32>(a.y), b1, fma(vec4<f32>(a.z), b2, fma(vec4<f32>(a.w), b3, acc${i})))); }`).join('\n')}
      }
    }
  }
${R.map(
  (i) => `  if (m0 + l + ${lanes * i} < ph.rows) {
    let o = dxIndex(g, ph, m0 + l + ${lanes * i}) + c0;
${J.map((j) => `    ${j === 0 ? '' : `if (c0 + ${j} < g.C) { `}out[o + ${j}] = acc${i}.${COMP[j]};${j === 0 ? '' : ' }'}`).join('\n')}
  }`,
).join('\n')}
}`;
}
