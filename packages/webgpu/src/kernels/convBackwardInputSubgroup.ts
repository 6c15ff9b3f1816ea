/**
 * conv2d backward input (dx = dy ⊛ᵀ w) as an implicit GEMM on the subgroup tiling (subgroupTile.ts,
 * 16 rows × 32 columns per 8-lane workgroup, A shared by subgroupBroadcast), one stride phase per
 * grid z (convGeometry.ts): rows are the phase's dx pixels, batch fastest; columns are the C input
 * channels; K runs over the phase's taps × the O output channels. A(row, (ti, tj, o)) is dy at
 * pixel (yy + dy0 − ti, xx + dx0 − tj) (0 outside dy) and B((ti, tj, o), c) = w[ki, kj, c, o].
 *
 * With O % 4 = 0 every operand load is a vec4 along o: per 4 k-steps a lane loads one vec4 of dy for
 * each of its two rows and one vec4 of w for each of its 4 columns (transposed in registers: the
 * matmul's 'vec4T' B), 64 vec4 FMAs. Otherwise the same loads are masked scalars. A workgroup loops
 * only over the taps that reach its 16 rows (`tapBox`), so borders and a 1×1 dy (the decoder's first
 * layer) do no zero work. With C % 4 = 0 (`vec4Out`) a lane stores each row as one vec4.
 * Grid (⌈C/32⌉, ⌈max phase rows/16⌉, sh·sw); needs subgroup size 8. Few channels (C ≤ 8) take
 * convBackwardInputNarrow.ts instead: 32-column tiles would be mostly idle.
 */
import { GEOMETRY_WGSL, PHASE_WGSL } from './convGeometry.ts';
import { outBinding, stepRowsPerLane, tileAccumulators, tileStore, transposeB } from './subgroupTile.ts';

const J = [0, 1, 2, 3];

export function conv2dBackwardInputSubgroupWGSL(vecO: boolean, vec4Out: boolean): string {
  const el = vecO ? 'vec4<f32>' : 'f32';
  const unit = vecO ? 'O4' : 'g.O';
  const loads = vecO
    ? `        let a0 = select(vec4<f32>(), DY[da + o4], va);
        let a1 = select(vec4<f32>(), DY[db + o4], vb);
${J.map((j) => `        let t${j} = Wt[w${j} + o4];`).join('\n')}`
    : `        let o = o4 * 4;
        let a0 = vec4<f32>(${J.map((k) => `dyAt(da + o + ${k}, va && o + ${k} < g.O)`).join(', ')});
        let a1 = vec4<f32>(${J.map((k) => `dyAt(db + o + ${k}, vb && o + ${k} < g.O)`).join(', ')});
${J.map((j) => `        let t${j} = vec4<f32>(${J.map((k) => `wAt(w${j} + o + ${k}, o + ${k} < g.O)`).join(', ')});`).join('\n')}`;
  return `enable subgroups;
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> DY: array<${el}>;
@group(0) @binding(2) var<storage, read> Wt: array<${el}>;
${outBinding(vec4Out)}
${GEOMETRY_WGSL}
${PHASE_WGSL}
${vecO ? '' : `fn dyAt(i: i32, ok: bool) -> f32 { return select(0.0, DY[select(0, i, ok)], ok); }
fn wAt(i: i32, ok: bool) -> f32 { return select(0.0, Wt[select(0, i, ok)], ok); }`}
@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let g = geo();
  let ph = phaseOf(g, i32(wid.z));
  let m0 = i32(wid.y + P[13]) * 16;
  if (m0 >= ph.rows) { return; }
  let O4 = (g.O + 3) / 4;
  let l = i32(lane);
  let c0 = (i32(wid.x + P[14]) * 8 + l) * 4;
  let last = min(m0 + 15, ph.rows - 1);
  let taps = tapBox(g, ph, m0, last);
  let ra = rowOf(min(m0 + l, last), g.N, ph.Wp);
  let rb = rowOf(min(m0 + 8 + l, last), g.N, ph.Wp);
${tileAccumulators()}
  for (var ti = taps.x; ti <= taps.y; ti++) {
    let ki = ph.ki0 + ti * g.sh;
    let oya = ra.y + ph.dy0 - ti; let oyb = rb.y + ph.dy0 - ti;
    for (var tj = taps.z; tj <= taps.w; tj++) {
      let kj = ph.kj0 + tj * g.sw;
      let oxa = ra.z + ph.dx0 - tj; let oxb = rb.z + ph.dx0 - tj;
      let va = oya >= 0 && oya < g.OH && oxa >= 0 && oxa < g.OW;
      let vb = oyb >= 0 && oyb < g.OH && oxb >= 0 && oxb < g.OW;
      let da = select(0, ((ra.x * g.OH + oya) * g.OW + oxa) * ${unit}, va);
      let db = select(0, ((rb.x * g.OH + oyb) * g.OW + oxb) * ${unit}, vb);
      let wt = (ki * g.KW + kj) * g.C;
${J.map((j) => `      let w${j} = (wt + min(c0 + ${j}, g.C - 1)) * ${unit};`).join('\n')}
      for (var o4 = 0; o4 < O4; o4++) {
${loads}
${transposeB('        ')}
${stepRowsPerLane('        ')}
      }
    }
  }
${tileStore('ph.rows', (r) => `dxIndex(g, ph, ${r})`, 'c0', 'g.C', vec4Out)}
}`;
}
