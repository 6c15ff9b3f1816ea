export type { GeomType } from './types.ts';
export { Renderer, readPixels } from './renderer.ts';
export { renderCpu, type RenderOptions } from './cpu.ts';
export { axisAngle, lookAt, project, zAlong } from './camera.ts';
export { encodePng } from './png.ts';
export { PixelVectorEnv, type PixelBatch, type PixelVectorOptions } from './pixel_vector.ts';
export { imageSpec, type PixelOptions } from './pixels.ts';
