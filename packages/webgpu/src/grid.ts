/**
 * Dispatch grids over WebGPU's per-dimension limit: maxComputeWorkgroupsPerDimension is 65535 by
 * default, so a tiled kernel whose tiles outnumber it runs as several launches, each adding its
 * chunk's first tile (x0, y0, z0) to the workgroup ids (the kernels take these offsets in params).
 */
export const MAX_GROUPS = 65535;

export interface GridChunk {
  x0: number;
  y0: number;
  z0: number;
  groups: [number, number, number];
}

export function gridChunks(x: number, y: number, z: number): GridChunk[] {
  const out: GridChunk[] = [];
  for (let z0 = 0; z0 < z; z0 += MAX_GROUPS) {
    for (let y0 = 0; y0 < y; y0 += MAX_GROUPS) {
      for (let x0 = 0; x0 < x; x0 += MAX_GROUPS) {
        out.push({ x0, y0, z0, groups: [Math.min(MAX_GROUPS, x - x0), Math.min(MAX_GROUPS, y - y0), Math.min(MAX_GROUPS, z - z0)] });
      }
    }
  }
  return out;
}
