/**
 * 2-D convolution, NHWC activations and HWIO filters, as direct kernels: one thread per output
 * element of the forward pass, of the input gradient, and of the filter gradient.
 */
import type { Conv2dGeometry, Operand, Shape, TypedArray } from '@dreamer/tensor';
import { coords, exactDivmod, kernel, sizeOf } from '../codegen.ts';
import { checkI32Accumulation, checkI32Operands, fromKernel, maxAbs } from '../ints.ts';
import type { GpujsRuntime } from '../runtime.ts';

type Op = Operand<TypedArray>;

function outSize(inSize: number, k: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((inSize + padBefore + padAfter - k) / stride) + 1;
}

function checkInts(op: string, a: Op, b: Op, terms: number): void {
  checkI32Operands(op, a.dtype, [a.buffer, b.buffer]);
  if (a.dtype === 'i32') checkI32Accumulation(op, 'i32', [maxAbs(a.buffer), maxAbs(b.buffer)], terms);
}

/** x [N, H, W, C] * w [KH, KW, C, O] → [N, OH, OW, O]. */
export function conv2d(rt: GpujsRuntime, x: Op, w: Op, g: Conv2dGeometry): TypedArray {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , o] = w.shape;
  const [sh, sw] = g.strides;
  const [pt, pb, pl, pr] = g.pads;
  const oh = outSize(h, kh, sh, pt, pb);
  const ow = outSize(wd, kw, sw, pl, pr);
  checkInts('conv2d', x, w, kh * kw * c);
  const { code, vars } = coords('i', [n, oh, ow, o]);
  const [b, y, xx, f] = vars;
  const lines = [
    'const i = this.thread.x;',
    code,
    'let acc = 0;',
    `for (let u = 0; u < ${kh}; u++) {`,
    `  const iy = ${y} * ${sh} - ${pt} + u;`,
    `  if (iy >= 0 && iy < ${h}) {`,
    `    for (let v = 0; v < ${kw}; v++) {`,
    `      const ix = ${xx} * ${sw} - ${pl} + v;`,
    `      if (ix >= 0 && ix < ${wd}) {`,
    `        const xBase = ((${b} * ${h} + iy) * ${wd} + ix) * ${c};`,
    `        const wBase = (u * ${kw} + v) * ${c * o} + ${f};`,
    `        for (let ch = 0; ch < ${c}; ch++) {`,
    `          acc = acc + in0[xBase + ch] * in1[wBase + ch * ${o}];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  const out = rt.run(kernel(['in0', 'in1'], lines.join('\n')), n * oh * ow * o, [x.buffer, w.buffer]);
  return fromKernel('conv2d', out, x.dtype);
}

/** dx [N, H, W, C] = Σ over the output pixels each input pixel feeds of dy · w. */
export function conv2dBackwardInput(rt: GpujsRuntime, dy: Op, w: Op, inputShape: Shape, g: Conv2dGeometry): TypedArray {
  const [n, h, wd, c] = inputShape;
  const [kh, kw, , o] = w.shape;
  const [, oh, ow] = dy.shape;
  const [sh, sw] = g.strides;
  const [pt, , pl] = g.pads;
  checkInts('conv2dBackwardInput', dy, w, kh * kw * o);
  const { code, vars } = coords('i', [n, h, wd, c]);
  const [b, y, xx, ch] = vars;
  const lines = [
    'const i = this.thread.x;',
    code,
    'let acc = 0;',
    `for (let u = 0; u < ${kh}; u++) {`,
    `  const ty = ${y} + ${pt} - u;`,
    exactDivmod('ty', String(sh), 'qy', 'ry').replace(/^/gm, '  '),
    `  if (ty >= 0 && ry == 0 && qy < ${oh}) {`,
    `    for (let v = 0; v < ${kw}; v++) {`,
    `      const tx = ${xx} + ${pl} - v;`,
    exactDivmod('tx', String(sw), 'qx', 'rx').replace(/^/gm, '      '),
    `      if (tx >= 0 && rx == 0 && qx < ${ow}) {`,
    `        const dyBase = ((${b} * ${oh} + qy) * ${ow} + qx) * ${o};`,
    `        const wBase = ((u * ${kw} + v) * ${c} + ${ch}) * ${o};`,
    `        for (let f = 0; f < ${o}; f++) {`,
    `          acc = acc + in0[dyBase + f] * in1[wBase + f];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  const out = rt.run(kernel(['in0', 'in1'], lines.join('\n')), sizeOf(inputShape), [dy.buffer, w.buffer]);
  return fromKernel('conv2dBackwardInput', out, dy.dtype);
}

/** dw [KH, KW, C, O] = Σ over batch and output pixels of x · dy. */
export function conv2dBackwardFilter(rt: GpujsRuntime, x: Op, dy: Op, filterShape: Shape, g: Conv2dGeometry): TypedArray {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , o] = filterShape;
  const [, oh, ow] = dy.shape;
  const [sh, sw] = g.strides;
  const [pt, , pl] = g.pads;
  checkInts('conv2dBackwardFilter', x, dy, n * oh * ow);
  const { code, vars } = coords('i', [kh, kw, c, o]);
  const [u, v, ch, f] = vars;
  const lines = [
    'const i = this.thread.x;',
    code,
    'let acc = 0;',
    `for (let b = 0; b < ${n}; b++) {`,
    `  for (let y = 0; y < ${oh}; y++) {`,
    `    const iy = y * ${sh} - ${pt} + ${u};`,
    `    if (iy >= 0 && iy < ${h}) {`,
    `      for (let xx = 0; xx < ${ow}; xx++) {`,
    `        const ix = xx * ${sw} - ${pl} + ${v};`,
    `        if (ix >= 0 && ix < ${wd}) {`,
    `          acc = acc + in0[((b * ${h} + iy) * ${wd} + ix) * ${c} + ${ch}] * in1[((b * ${oh} + y) * ${ow} + xx) * ${o} + ${f}];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  const out = rt.run(kernel(['in0', 'in1'], lines.join('\n')), sizeOf(filterShape), [x.buffer, dy.buffer]);
  return fromKernel('conv2dBackwardFilter', out, x.dtype);
}
