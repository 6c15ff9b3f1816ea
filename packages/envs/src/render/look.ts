/**
 * dm_control's look (suite/common/skybox.xml, visual.xml, materials.xml), shared by the WGSL
 * kernel and the CPU reference.
 */
/** The headlight (along the camera's view): ambient .4, diffuse .8 (the scene's light.ambient replaces the .4). */
export const AMBIENT = 0.4;
export const HEADLIGHT = 0.8;
/** The directional light's diffuse and the ambient term when the scene gives none (MuJoCo's defaults). */
export const LIGHT = 0.7;
/** Skybox gradient: this colour straight up, black straight down, linear in (1 + dir.z)/2. */
export const SKY: readonly [number, number, number] = [0.4, 0.6, 0.8];
/**
 * `checker` geoms wear dm_control's "grid" material: a 2×2 checker texture of these colours
 * (times the geom's rgba, as MuJoCo multiplies texture by material colour) repeated once per metre
 * (texrepeat 1, texuniform), so squares of 0.5 m. The plane's size[2] is MuJoCo's wireframe grid
 * spacing, not the texture's, so it is not used.
 */
export const CHECKER_A: readonly [number, number, number] = [0.1, 0.2, 0.3];
export const CHECKER_B: readonly [number, number, number] = [0.2, 0.3, 0.4];
export const CHECKER_CELL = 0.5;
/** Nearest accepted hit distance, and the shadow ray's lift off the surface (metres). */
export const T_MIN = 1e-4;
export const SHADOW_LIFT = 1e-3;
