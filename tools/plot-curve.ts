/**
 * Draws a learning curve as a PNG: evaluation return against environment steps, with the
 * random policy's mean (grey) and the 3× bar (red). Input: the JSON the learning test writes
 * (tests/.vitest/learning-curve.json); output: docs/learning/<task>.png by default.
 *
 *   node tools/plot-curve.ts [curve.json] [out.png]
 *
 * Text is drawn with a 3×5 pixel font (digits and a few letters), so no font library is needed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodePng } from '@dreamer/envs';

interface CurveFile {
  task: string;
  randomMean: number;
  bar: number;
  curve: { envSteps: number; updates: number; seconds: number; return: number }[];
}

const GLYPHS: Record<string, string> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111',
  '4': '101101111001001', '5': '111100111001111', '6': '111100111101111', '7': '111001001001001',
  '8': '111101111101111', '9': '111101111001111', '.': '000000000000010', ' ': '000000000000000',
  'k': '100101110101101', 'x': '000101010101000', '=': '000111000111000', '-': '000000111000000',
  r: '000110100100100', a: '000011101101011', n: '000110101101101', d: '001011101101011',
  o: '000010101101010', m: '000111111101101', e: '000111111100011', t: '010111010010011',
  u: '000101101101011', s: '000011110001110', p: '000110101110100', i: '010000010010010',
  b: '100110101101110', w: '000101101111101', g: '000011101011110', h: '100100110101101', f: '011100110100100', y: '101101011001110', v: '000101101101010', l: '110010010010111', c: '000011100100011',
};

export function plotCurve(data: CurveFile, width = 640, height = 400): Uint8Array {
  const img = new Uint8Array(width * height * 3).fill(255);
  const set = (x: number, y: number, c: readonly number[]): void => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    img.set(c, (Math.round(y) * width + Math.round(x)) * 3);
  };
  const text = (s: string, x: number, y: number, c: readonly number[], scale = 2): void => {
    for (const ch of s) {
      const g = GLYPHS[ch] ?? GLYPHS[' '];
      for (let r = 0; r < 5; r++) for (let q = 0; q < 3; q++) if (g[r * 3 + q] === '1') for (let a = 0; a < scale; a++) for (let b = 0; b < scale; b++) set(x + q * scale + a, y + r * scale + b, c);
      x += 4 * scale;
    }
  };
  const line = (x0: number, y0: number, x1: number, y1: number, c: readonly number[], thick = 2, dash = 0): void => {
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
    for (let i = 0; i <= n; i++) {
      if (dash > 0 && Math.floor(i / dash) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      for (let a = 0; a < thick; a++) for (let b = 0; b < thick; b++) set(x + a, y + b, c);
    }
  };
  const left = 70;
  const right = width - 20;
  const top = 40;
  const bottom = height - 50;
  const maxX = Math.max(1, ...data.curve.map((p) => p.envSteps));
  const maxY = Math.max(data.bar * 1.2, ...data.curve.map((p) => p.return)) * 1.05;
  const px = (v: number): number => left + ((right - left) * v) / maxX;
  const py = (v: number): number => bottom - ((bottom - top) * v) / maxY;
  const ink = [40, 40, 40];
  line(left, bottom, right, bottom, ink);
  line(left, top, left, bottom, ink);
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    line(left - 6, py(v), left, py(v), ink);
    text(v.toFixed(0), 8, py(v) - 5, ink);
    const s = (maxX * i) / 4;
    line(px(s), bottom, px(s), bottom + 6, ink);
    text(s >= 1000 ? `${(s / 1000).toFixed(1)}k` : s.toFixed(0), px(s) - 16, bottom + 12, ink);
  }
  text('env steps', (left + right) / 2 - 36, bottom + 32, ink);
  text(`${data.task.replace(/_/g, ' ')}  eval return`, left, 10, ink);
  line(left, py(data.randomMean), right, py(data.randomMean), [150, 150, 150], 2, 8);
  text(`random ${data.randomMean.toFixed(1)}`, right - 150, py(data.randomMean) - 14, [120, 120, 120]);
  line(left, py(data.bar), right, py(data.bar), [200, 40, 40], 2, 8);
  text(`3x random ${data.bar.toFixed(1)}`, right - 180, py(data.bar) - 14, [200, 40, 40]);
  const blue = [30, 90, 200];
  for (let i = 1; i < data.curve.length; i++) line(px(data.curve[i - 1].envSteps), py(data.curve[i - 1].return), px(data.curve[i].envSteps), py(data.curve[i].return), blue, 3);
  for (const p of data.curve) line(px(p.envSteps) - 2, py(p.return) - 2, px(p.envSteps) + 2, py(p.return) + 2, blue, 3);
  return img;
}

if (import.meta.main) {
  const input = process.argv[2] ?? join(import.meta.dirname, '../tests/.vitest/learning-curve.json');
  const data = JSON.parse(readFileSync(input, 'utf8')) as CurveFile;
  const out = process.argv[3] ?? join(import.meta.dirname, `../docs/learning/${data.task}.png`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, encodePng(plotCurve(data), 640, 400));
  console.log(`plot-curve: wrote ${out} (${data.curve.length} points)`);
}
