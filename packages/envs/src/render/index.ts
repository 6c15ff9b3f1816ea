export type { GeomType } from './types.ts';
export { Renderer, readPixels } from './renderer.ts';
export { renderCpu, type RenderOptions } from './cpu.ts';
export { axisAngle, lookAt, project, zAlong } from './camera.ts';
export { encodePng } from './png.ts';
