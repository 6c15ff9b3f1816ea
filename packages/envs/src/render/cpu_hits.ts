/**
 * Ray–primitive intersections of the CPU reference, as in raycast.wgsl.ts, in a geom's local
 * frame. Scalars in, the hit written to `h` (t, local normal); t = FAR on a miss. Nothing is
 * allocated: these run for every geom of every pixel, and a 64×64 frame per control step on
 * one core leaves no room for garbage.
 */
import { T_MIN } from './look.ts';

export const FAR = 1e30;

/** The hit being built: t, then the local normal. */
export type Hit = Float64Array;

export function planeHit(h: Hit, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, sx: number, sy: number): void {
  h[0] = FAR;
  if (dz > -1e-12) return;
  const t = -oz / dz;
  const px = ox + t * dx;
  const py = oy + t * dy;
  if (t < T_MIN || (sx > 0 && Math.abs(px) > sx) || (sy > 0 && Math.abs(py) > sy)) return;
  h[0] = t;
  h[1] = 0;
  h[2] = 0;
  h[3] = 1;
}

function sphereHit(h: Hit, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, r: number): void {
  h[0] = FAR;
  const b = ox * dx + oy * dy + oz * dz;
  const disc = b * b - (ox * ox + oy * oy + oz * oz - r * r);
  if (disc < 0) return;
  const t = -b - Math.sqrt(disc);
  if (t < T_MIN) return;
  h[0] = t;
  h[1] = (ox + t * dx) / r;
  h[2] = (oy + t * dy) / r;
  h[3] = (oz + t * dz) / r;
}

function ellipsoidHit(h: Hit, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, sx: number, sy: number, sz: number): void {
  h[0] = FAR;
  const px = ox / sx;
  const py = oy / sy;
  const pz = oz / sz;
  const qx = dx / sx;
  const qy = dy / sy;
  const qz = dz / sz;
  const a = qx * qx + qy * qy + qz * qz;
  const b = px * qx + py * qy + pz * qz;
  const disc = b * b - a * (px * px + py * py + pz * pz - 1);
  if (disc < 0) return;
  const t = (-b - Math.sqrt(disc)) / a;
  if (t < T_MIN) return;
  const nx = (ox + t * dx) / (sx * sx);
  const ny = (oy + t * dy) / (sy * sy);
  const nz = (oz + t * dz) / (sz * sz);
  const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
  h[0] = t;
  h[1] = nx / len;
  h[2] = ny / len;
  h[3] = nz / len;
}

/**
 * As side_hit in the kernel: writes a hit on the side within |z| ≤ hl, and returns the z of the
 * end to try instead (±hl), or NaN when there is nothing more to try.
 */
function sideHit(h: Hit, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, r: number, hl: number): number {
  h[0] = FAR;
  const a = dx * dx + dy * dy;
  const b = ox * dx + oy * dy;
  const disc = b * b - a * (ox * ox + oy * oy - r * r);
  if (disc < 0) return NaN;
  if (a < 1e-12) return dz > 0 ? -hl : hl;
  const t = (-b - Math.sqrt(disc)) / a;
  const z = oz + t * dz;
  if (Math.abs(z) <= hl) {
    if (t >= T_MIN) {
      h[0] = t;
      h[1] = (ox + t * dx) / r;
      h[2] = (oy + t * dy) / r;
      h[3] = 0;
    }
    return NaN;
  }
  return z > 0 ? hl : -hl;
}

function capsuleHit(h: Hit, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, r: number, hl: number): void {
  const end = sideHit(h, ox, oy, oz, dx, dy, dz, r, hl);
  if (end === end) sphereHit(h, ox, oy, oz - end, dx, dy, dz, r);
}

function cylinderHit(h: Hit, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, r: number, hl: number): void {
  const end = sideHit(h, ox, oy, oz, dx, dy, dz, r, hl);
  if (end !== end || Math.abs(dz) < 1e-12) return;
  const t = (end - oz) / dz;
  const px = ox + t * dx;
  const py = oy + t * dy;
  if (t < T_MIN || px * px + py * py > r * r) return;
  h[0] = t;
  h[1] = 0;
  h[2] = 0;
  h[3] = Math.sign(end);
}

const inv = (x: number): number => 1 / (Math.abs(x) < 1e-20 ? (x >= 0 ? 1e-20 : -1e-20) : x);

function boxHit(h: Hit, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, sx: number, sy: number, sz: number): void {
  h[0] = FAR;
  const ix = inv(dx);
  const iy = inv(dy);
  const iz = inv(dz);
  const x1 = (-sx - ox) * ix;
  const x2 = (sx - ox) * ix;
  const y1 = (-sy - oy) * iy;
  const y2 = (sy - oy) * iy;
  const z1 = (-sz - oz) * iz;
  const z2 = (sz - oz) * iz;
  const nx = Math.min(x1, x2);
  const ny = Math.min(y1, y2);
  const nz = Math.min(z1, z2);
  const far = Math.min(Math.max(x1, x2), Math.max(y1, y2), Math.max(z1, z2));
  const t = Math.max(nx, ny, nz);
  if (t > far || t < T_MIN) return;
  h[0] = t;
  h[1] = t === nx ? -Math.sign(dx) : 0;
  h[2] = t !== nx && t === ny ? -Math.sign(dy) : 0;
  h[3] = t !== nx && t !== ny ? -Math.sign(dz) : 0;
}

/** The nearest hit of geom type `kind` (pack.ts TYPE_CODE) of size (sx, sy, sz). */
export function hit(h: Hit, kind: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, sx: number, sy: number, sz: number): void {
  switch (kind) {
    case 0:
      return planeHit(h, ox, oy, oz, dx, dy, dz, sx, sy);
    case 1:
      return sphereHit(h, ox, oy, oz, dx, dy, dz, sx);
    case 2:
      return capsuleHit(h, ox, oy, oz, dx, dy, dz, sx, sy);
    case 3:
      return ellipsoidHit(h, ox, oy, oz, dx, dy, dz, sx, sy, sz);
    case 4:
      return cylinderHit(h, ox, oy, oz, dx, dy, dz, sx, sy);
    default:
      return boxHit(h, ox, oy, oz, dx, dy, dz, sx, sy, sz);
  }
}
