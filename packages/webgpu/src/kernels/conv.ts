/**
 * Direct 2-D convolution kernels (NHWC activations, HWIO filters), one thread per output element,
 * correctness first. Params (u32, signed where noted):
 * [total, N, H, W, C, KH, KW, O, OH, OW, sh, sw, pt, pl].
 *   forward:        y[n,oy,ox,o]  = Σ_{i,j,c} x[n, oy·sh−pt+i, ox·sw−pl+j, c] · w[i,j,c,o]
 *   backward input: dx[n,y,x,c]   = Σ_{i,j,o} dy[n,oy,ox,o] · w[i,j,c,o]  where oy·sh = y+pt−i (exact)
 *   backward filter: dw[i,j,c,o]  = Σ_{n,oy,ox} x[n, oy·sh−pt+i, ox·sw−pl+j, c] · dy[n,oy,ox,o]
 */
import { MAIN_1D, PARAMS } from './common.ts';

const DIMS = `let N = i32(P[1]); let H = i32(P[2]); let W = i32(P[3]); let C = i32(P[4]);
  let KH = i32(P[5]); let KW = i32(P[6]); let O = i32(P[7]); let OH = i32(P[8]); let OW = i32(P[9]);
  let sh = i32(P[10]); let sw = i32(P[11]); let pt = i32(P[12]); let pl = i32(P[13]);
  let e = i32(i);`;

function io(a: string, b: string): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> ${a}: array<f32>;
@group(0) @binding(2) var<storage, read> ${b}: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${MAIN_1D}
  ${DIMS}`;
}

export function conv2dWGSL(): string {
  return `${io('X', 'Wt')}
  let o = e % O; let ox = (e / O) % OW; let oy = (e / (O * OW)) % OH; let n = e / (O * OW * OH);
  var acc = 0.0;
  for (var ki = 0; ki < KH; ki++) {
    let iy = oy * sh - pt + ki;
    if (iy < 0 || iy >= H) { continue; }
    for (var kj = 0; kj < KW; kj++) {
      let ix = ox * sw - pl + kj;
      if (ix < 0 || ix >= W) { continue; }
      let xb = ((n * H + iy) * W + ix) * C;
      let wb = (ki * KW + kj) * C * O + o;
      for (var c = 0; c < C; c++) { acc = fma(X[xb + c], Wt[wb + c * O], acc); }
    }
  }
  out[i] = acc;
}`;
}

export function conv2dBackwardInputWGSL(): string {
  return `${io('DY', 'Wt')}
  let c = e % C; let x = (e / C) % W; let y = (e / (C * W)) % H; let n = e / (C * W * H);
  var acc = 0.0;
  for (var ki = 0; ki < KH; ki++) {
    let ty = y + pt - ki;
    if (ty < 0 || ty % sh != 0) { continue; }
    let oy = ty / sh;
    if (oy >= OH) { continue; }
    for (var kj = 0; kj < KW; kj++) {
      let tx = x + pl - kj;
      if (tx < 0 || tx % sw != 0) { continue; }
      let ox = tx / sw;
      if (ox >= OW) { continue; }
      let db = ((n * OH + oy) * OW + ox) * O;
      let wb = ((ki * KW + kj) * C + c) * O;
      for (var o = 0; o < O; o++) { acc = fma(DY[db + o], Wt[wb + o], acc); }
    }
  }
  out[i] = acc;
}`;
}

export function conv2dBackwardFilterWGSL(): string {
  return `${io('X', 'DY')}
  let o = e % O; let c = (e / O) % C; let kj = (e / (O * C)) % KW; let ki = e / (O * C * KW);
  var acc = 0.0;
  for (var n = 0; n < N; n++) {
    for (var oy = 0; oy < OH; oy++) {
      let iy = oy * sh - pt + ki;
      if (iy < 0 || iy >= H) { continue; }
      for (var ox = 0; ox < OW; ox++) {
        let ix = ox * sw - pl + kj;
        if (ix < 0 || ix >= W) { continue; }
        acc = fma(X[((n * H + iy) * W + ix) * C + c], DY[((n * OH + oy) * OW + ox) * O + o], acc);
      }
    }
  }
  out[i] = acc;
}`;
}
