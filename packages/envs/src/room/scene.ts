// The room as a ray-caster scene, seen from the agent's eye.
import type { Scene, SceneGeom, Vec3 } from '../control/scene.ts';
import { axisAngle, lookAt } from '../render/camera.ts';
import { ROOM_HALF, type Room } from './world.ts';

export const EYE_HEIGHT = 0.6;
/** Looking slightly down keeps objects on the floor in view up close (centre ray meets the floor ~3.4 m ahead). */
export const PITCH = (10 * Math.PI) / 180;
/** DMLab's default field of view is 90° (horizontal; the image is square, so vertical too). */
export const FOVY = 90;
export const GOOD_RADIUS = 0.3;
export const BAD_HALF = 0.22;
export const GOOD_RGBA: SceneGeom['rgba'] = [0.15, 0.8, 0.15, 1];
export const BAD_RGBA: SceneGeom['rgba'] = [0.85, 0.12, 0.1, 1];

const WALL_HALF_HEIGHT = 1;
const WALL_HALF_THICK = 0.1;
const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];
/** A different tint per wall, so the agent can tell which way it faces (DMLab's rooms have textured walls). */
const WALL_TINTS: SceneGeom['rgba'][] = [
  [0.55, 0.46, 0.32, 1],
  [0.34, 0.42, 0.56, 1],
  [0.52, 0.36, 0.48, 1],
  [0.4, 0.52, 0.36, 1],
];

function walls(): SceneGeom[] {
  const off = ROOM_HALF + WALL_HALF_THICK;
  const long = ROOM_HALF + 2 * WALL_HALF_THICK;
  const at: [number, number, boolean][] = [[off, 0, false], [0, off, true], [-off, 0, false], [0, -off, true]];
  return at.map(([x, y, alongX], i) => ({
    type: 'box',
    size: alongX ? [long, WALL_HALF_THICK, WALL_HALF_HEIGHT] : [WALL_HALF_THICK, long, WALL_HALF_HEIGHT],
    pos: [x, y, WALL_HALF_HEIGHT],
    mat: IDENTITY,
    rgba: WALL_TINTS[i],
  }));
}

/** The scene of `room` with one camera, the agent's first-person view. */
export function roomScene(room: Room): Scene {
  const geoms: SceneGeom[] = [
    { type: 'plane', size: [ROOM_HALF, ROOM_HALF, 0.5], pos: [0, 0, 0], mat: IDENTITY, rgba: [1, 1, 1, 1], checker: true },
    ...walls(),
  ];
  for (const o of room.objects) {
    if (!o.alive) continue;
    geoms.push(
      o.good
        ? { type: 'sphere', size: [GOOD_RADIUS, 0, 0], pos: [o.x, o.y, GOOD_RADIUS], mat: IDENTITY, rgba: GOOD_RGBA }
        : { type: 'box', size: [BAD_HALF, BAD_HALF, BAD_HALF], pos: [o.x, o.y, BAD_HALF], mat: axisAngle([0, 0, 1], o.yaw), rgba: BAD_RGBA },
    );
  }
  const eye: Vec3 = [room.x, room.y, EYE_HEIGHT];
  const c = Math.cos(PITCH);
  const target: Vec3 = [eye[0] + c * Math.cos(room.heading), eye[1] + c * Math.sin(room.heading), eye[2] - Math.sin(PITCH)];
  return { geoms, cameras: [lookAt(eye, target, FOVY, [0, 0, 1], 'eye')], light: { dir: [-0.3, -0.5, -1] } };
}
