/**
 * conv2d backward input, portable (no subgroups): the same stride-phase implicit GEMM as
 * convBackwardInputSubgroup.ts (rows = a phase's dx pixels, batch fastest; columns = C; K = the
 * phase's taps × O; only the taps reaching the tile are visited), register-blocked: a workgroup of
 * 8×8 threads covers 32 rows × 32 columns and each thread owns 4 rows (ly + 8i) × 4 columns. Per 4
 * k-steps a thread loads a vec4 of dy along o for each of its rows and a vec4 of w along o for each
 * of its columns (masked scalars when O % 4 ≠ 0), transposes the w block in registers and does 64
 * FMAs. Grid (⌈C/32⌉, ⌈max phase rows/32⌉, sh·sw).
 */
import { GEOMETRY_WGSL, PHASE_WGSL } from './convGeometry.ts';

const J = [0, 1, 2, 3];
const COMP = ['x', 'y', 'z', 'w'];

export function conv2dBackwardInputBlockedWGSL(vecO: boolean): string {
  const el = vecO ? 'vec4<f32>' : 'f32';
  const unit = vecO ? 'O4' : 'g.O';
  const aLoad = (i: number): string =>
    vecO
      ? `select(vec4<f32>(), DY[d${i} + o4], v${i})`
      : `vec4<f32>(${J.map((k) => `dyAt(d${i} + o4 * 4 + ${k}, v${i} && o4 * 4 + ${k} < g.O)`).join(', ')})`;
  const wLoad = (j: number): string =>
    vecO ? `Wt[w${j} + o4]` : `vec4<f32>(${J.map((k) => `wAt(w${j} + o4 * 4 + ${k}, o4 * 4 + ${k} < g.O)`).join(', ')})`;
  return `@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> DY: array<${el}>;
@group(0) @binding(2) var<storage, read> Wt: array<${el}>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${GEOMETRY_WGSL}
${PHASE_WGSL}
${vecO ? '' : `fn dyAt(i: i32, ok: bool) -> f32 { return select(0.0, DY[select(0, i, ok)], ok); }
fn wAt(i: i32, ok: bool) -> f32 { return select(0.0, Wt[select(0, i, ok)], ok); }`}
@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let g = geo();
  let ph = phaseOf(g, i32(wid.z));
  let m0 = i32(wid.y + P[13]) * 32;
  if (m0 >= ph.rows) { return; }
  let O4 = (g.O + 3) / 4;
  let c0 = (i32(wid.x + P[14]) * 8 + i32(lid.x)) * 4;
  let last = min(m0 + 31, ph.rows - 1);
  let taps = tapBox(g, ph, m0, last);
${J.map((i) => `  let r${i} = rowOf(min(m0 + i32(lid.y) + ${8 * i}, last), g.N, ph.Wp);`).join('\n')}
${J.map((i) => `  var acc${i} = vec4<f32>();`).join('\n')}
  for (var ti = taps.x; ti <= taps.y; ti++) {
    let ki = ph.ki0 + ti * g.sh;
    for (var tj = taps.z; tj <= taps.w; tj++) {
      let kj = ph.kj0 + tj * g.sw;
${J.map(
  (i) => `      let oy${i} = r${i}.y + ph.dy0 - ti; let ox${i} = r${i}.z + ph.dx0 - tj;
      let v${i} = oy${i} >= 0 && oy${i} < g.OH && ox${i} >= 0 && ox${i} < g.OW;
      let d${i} = select(0, ((r${i}.x * g.OH + oy${i}) * g.OW + ox${i}) * ${unit}, v${i});`,
).join('\n')}
      let wt = (ki * g.KW + kj) * g.C;
${J.map((j) => `      let w${j} = (wt + min(c0 + ${j}, g.C - 1)) * ${unit};`).join('\n')}
      for (var o4 = 0; o4 < O4; o4++) {
${J.map((j) => `        let t${j} = ${wLoad(j)};`).join('\n')}
${J.map((k) => `        let b${k} = vec4<f32>(${J.map((j) => `t${j}.${COMP[k]}`).join(', ')});`).join('\n')}
${J.map((i) => `        { let a = ${aLoad(i)};
          acc${i} = fma(vec4<f32>(a.x), b0, fma(vec4<f32>(a.y), b1, fma(vec4<f32>(a.z), b2, fma(vec4<f32>(a.w), b3, acc${i})))); }`).join('\n')}
      }
    }
  }
  if (c0 >= g.C) { return; }
${J.map(
  (i) => `  if (m0 + i32(lid.y) + ${8 * i} < ph.rows) {
    let o = dxIndex(g, ph, m0 + i32(lid.y) + ${8 * i}) + c0;
${J.map((j) => `    ${j === 0 ? '' : `if (c0 + ${j} < g.C) { `}out[o + ${j}] = acc${i}.${COMP[j]};${j === 0 ? '' : ' }'}`).join('\n')}
  }`,
).join('\n')}
}`;
}
