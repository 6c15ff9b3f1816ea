/**
 * Philox4x32-10 as a gpu.js kernel, bit-exact with the CPU reference (random/philox.ts of
 * @dreamer/tensor) although gpu.js has no integer arithmetic: every 32-bit word is held as four
 * bytes in float32 values, so each step is exact float arithmetic on small integers —
 *   32×32 → 64-bit products as 16 byte products (< 2¹⁶) summed per column with carries,
 *   xor by a 256×256 table in the webasm and cpu modes and bit by bit (floor and subtract) in the
 *   GL modes, key increments as byte additions with carries.
 * Element e takes word (e mod 4) of the block at counter ⌊e/4⌋; each thread computes its whole
 * block (4× redundant work, no cross-thread traffic). uniform = (w >>> 8)·2⁻²⁴ is exact;
 * normal is Box–Muller in float32 with ln(u1) computed as log1p(u1 − 1) (u1 − 1 is exact), and
 * cos/sin(2π·u2) by exact quadrant reduction and float32 minimax polynomials (Cephes sinf/cosf).
 */
import type { DType, RandomDist, Shape, TypedArray } from '@dreamer/tensor';
import { kernel, sizeOf } from '../codegen.ts';
import { fromKernel } from '../ints.ts';
import type { GpujsRuntime } from '../runtime.ts';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

const bytesOf = (w: number): number[] => [w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24];

/** xor of three bytes, bit by bit (the GL modes: ALU work is cheaper there than texture lookups). */
const XOR3 = `function xor3(a, b, c) {
  let r = 0;
  let p = 1;
  let x = a;
  let y = b;
  let z = c;
  for (let k = 0; k < 8; k++) {
    const hx = Math.floor(x * 0.5);
    const hy = Math.floor(y * 0.5);
    const hz = Math.floor(z * 0.5);
    const s = (x - 2 * hx) + (y - 2 * hy) + (z - 2 * hz);
    if (s == 1 || s == 3) { r = r + p; }
    x = hx;
    y = hy;
    z = hz;
    p = p * 2;
  }
  return r;
}`;

/**
 * xor of bytes by table (webasm and cpu modes, where the bit loop is ~15× slower):
 * XOR_TABLE[a·256 + b] = a ^ b, passed to the kernel as `xt` (exact small integers, indices below 2¹⁶).
 */
const XOR_TABLE = new Float32Array(65536).map((_, i) => (i >> 8) ^ (i & 255));

/** Statements setting `out` to a ^ b ^ c: two table lookups (not nested: gpu.js's GLSL output mishandles xt[xt[…]]), or the bit loop. */
function xorStatements(table: boolean, out: string, a: string, b: string, c: string): string {
  if (!table) return `const ${out} = xor3(${a}, ${b}, ${c});`;
  return `const ${out}x = xt[${a} * 256 + ${b}];\nconst ${out} = xt[${out}x * 256 + ${c}];`;
}

/** Statements setting `${out}0..7` to the bytes of the 64-bit product of constant m and word `c` (bytes c0..c3). */
function mulBytes(m: number, c: readonly string[], out: string): string {
  const mb = bytesOf(m);
  const lines: string[] = [];
  let carry = '0';
  for (let k = 0; k < 8; k++) {
    const terms: string[] = [];
    for (let i = 0; i < 4; i++) {
      const j = k - i;
      if (j >= 0 && j < 4 && mb[i] !== 0) terms.push(`${mb[i]} * ${c[j]}`);
    }
    const t = `${out}t${k}`;
    lines.push(`const ${t} = ${[...terms, carry].join(' + ')};`);
    lines.push(`const ${out}h${k} = Math.floor(${t} / 256);`);
    lines.push(`const ${out}${k} = ${t} - 256 * ${out}h${k};`);
    carry = `${out}h${k}`;
  }
  return lines.join('\n');
}

/** Statements adding the constant w to the word held in bytes `k` (mod 2³²). */
function addBytes(k: readonly string[], w: number, tmp: string): string {
  const wb = bytesOf(w);
  const lines: string[] = [];
  let carry = '0';
  for (let b = 0; b < 4; b++) {
    lines.push(`const ${tmp}${b} = ${k[b]} + ${wb[b]} + ${carry};`);
    lines.push(`const ${tmp}c${b} = Math.floor(${tmp}${b} / 256);`);
    lines.push(`${k[b]} = ${tmp}${b} - 256 * ${tmp}c${b};`);
    carry = `${tmp}c${b}`;
  }
  return lines.join('\n');
}

const word = (name: string): string[] => [0, 1, 2, 3].map((b) => `${name}b${b}`);

/** The kernel source: `key` holds the 8 key bytes; returns the uniform or normal draw of element i. */
function philoxSource(dist: RandomDist, table: boolean): string {
  const [c0, c1, c2, c3, k0, k1] = ['c0', 'c1', 'c2', 'c3', 'k0', 'k1'].map(word);
  const lines: string[] = ['const i = this.thread.x;'];
  // The element's block and word: e = 4·block + slot.
  lines.push('let block = Math.floor(i / 4);', 'let slot = i - 4 * block;');
  lines.push('if (slot < 0) { block = block - 1; slot = slot + 4; }', 'if (slot >= 4) { block = block + 1; slot = slot - 4; }');
  // Counter [block, 0, 0, 0] as bytes (block < 2²⁴).
  // (Division by 256 is exact in float32, so these floors are too.)
  lines.push('let rest = block;');
  for (let b = 0; b < 4; b++) {
    lines.push(`const cq${b} = Math.floor(rest / 256);`, `let ${c0[b]} = rest - 256 * cq${b};`, `rest = cq${b};`);
  }
  for (const w of [c1, c2, c3]) for (const v of w) lines.push(`let ${v} = 0;`);
  k0.forEach((v, b) => lines.push(`let ${v} = key[${b}];`));
  k1.forEach((v, b) => lines.push(`let ${v} = key[${4 + b}];`));
  const body = [
    mulBytes(M0, c0, 'p'),
    mulBytes(M1, c2, 'q'),
    // n0 = hi(M1·c2) ^ c1 ^ k0, n2 = hi(M0·c0) ^ c3 ^ k1; then c = [n0, lo1, n2, lo0].
    ...[0, 1, 2, 3].map((b) => xorStatements(table, `n0b${b}`, `q${4 + b}`, c1[b], k0[b])),
    ...[0, 1, 2, 3].map((b) => xorStatements(table, `n2b${b}`, `p${4 + b}`, c3[b], k1[b])),
    ...[0, 1, 2, 3].map((b) => `${c0[b]} = n0b${b};\n${c1[b]} = q${b};\n${c2[b]} = n2b${b};\n${c3[b]} = p${b};`),
    addBytes(k0, W0, 'ka'),
    addBytes(k1, W1, 'kb'),
  ];
  lines.push('for (let round = 0; round < 10; round++) {', body.join('\n').replace(/^/gm, '  '), '}');
  // (w >>> 8) of a word = b3·2¹⁶ + b2·2⁸ + b1.
  const top = (w: string[]): string => `(${w[3]} * 65536 + ${w[2]} * 256 + ${w[1]})`;
  if (dist === 'uniform') {
    lines.push(`if (slot == 0) { return ${top(c0)} / 16777216; }`);
    lines.push(`if (slot == 1) { return ${top(c1)} / 16777216; }`);
    lines.push(`if (slot == 2) { return ${top(c2)} / 16777216; }`);
    lines.push(`return ${top(c3)} / 16777216;`);
    return kernel(table ? ['key', 'xt'] : ['key'], lines.join('\n'));
  }
  // Box–Muller on the word pair (0, 1) or (2, 3) of the block.
  lines.push(`let m1 = ${top(c0)};`, `let m2 = ${top(c1)};`);
  lines.push(`if (slot >= 2) { m1 = ${top(c2)}; m2 = ${top(c3)}; }`);
  lines.push(
    'const x = (m1 + 1 - 16777216) / 16777216;',
    'const u = 1 + x;',
    'let lg = x;',
    'if (u != 1) { lg = Math.log(u) * x / (u - 1); }',
    'const r = Math.sqrt(-2 * lg);',
    // cos/sin(2π·m2/2²⁴) by quadrant: m2 = q·2²² + f exactly, f ∈ [−2²¹, 2²¹), so the polynomials
    // only see |2π·f/2²⁴| ≤ π/4 (GLSL's own sin/cos are not float32-accurate on every GPU: SwiftShader's are off by ~1e-5).
    'let q = Math.floor(m2 / 4194304);',
    'let f = m2 - q * 4194304;',
    'if (f >= 2097152) { f = f - 4194304; q = q + 1; }',
    'if (q >= 4) { q = q - 4; }',
    'const a = (f / 16777216) * 6.283185307179586;',
    'const z = a * a;',
    'const sn = a + a * z * (-0.16666654611 + z * (0.0083321608736 - z * 0.00019515295891));',
    'const cs = 1 - 0.5 * z + z * z * (0.04166664568298827 + z * (-0.001388731625493765 + z * 0.00002443315711809948));',
    'if (slot == 0 || slot == 2) {',
    '  if (q == 0) { return r * cs; }',
    '  if (q == 1) { return -r * sn; }',
    '  if (q == 2) { return -r * cs; }',
    '  return r * sn;',
    '}',
    'if (q == 0) { return r * sn; }',
    'if (q == 1) { return r * cs; }',
    'if (q == 2) { return -r * sn; }',
    'return -r * cs;',
  );
  return kernel(table ? ['key', 'xt'] : ['key'], lines.join('\n'));
}

const sources = new Map<string, string>();

export function random(rt: GpujsRuntime, dist: RandomDist, key: readonly [number, number], shape: Shape, dtype: DType): TypedArray {
  if (dtype !== 'f32') throw new TypeError(`gpujs random: dtype ${dtype} is not supported (f32 is)`);
  const n = sizeOf(shape);
  if (n >= 2 ** 26) throw new RangeError(`gpujs random: ${n} elements is beyond the 2²⁶ this kernel counts exactly`);
  const table = rt.mode === 'webasm' || rt.mode === 'cpu';
  let source = sources.get(`${dist}|${table}`);
  if (!source) sources.set(`${dist}|${table}`, (source = philoxSource(dist, table)));
  const keyBytes = new Float32Array([...bytesOf(key[0] >>> 0), ...bytesOf(key[1] >>> 0)]);
  const out = table ? rt.run(source, n, [keyBytes, XOR_TABLE]) : rt.run(source, n, [keyBytes], [XOR3]);
  return fromKernel('random', out, dtype);
}
