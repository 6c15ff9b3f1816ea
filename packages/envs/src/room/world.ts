// The rules of room_collect, free of rendering: a square room seen from above (x, y in metres,
// origin at the centre, heading in radians from +x toward +y), one agent and some objects.
//
// The sizes and speeds are our own choices, picked so the room takes ~30 agent steps to cross
// and a full turn ~24: small enough for a 64×64 view to show objects, large enough that finding
// them needs looking around (the point of DMLab's rooms_collect_good_objects).
import type { Rng } from '../rng.ts';

/** Half the side of the room's floor (a 6 m square). */
export const ROOM_HALF = 3;
/** The agent is a disc of this radius for wall collisions and touching objects. */
export const AGENT_RADIUS = 0.2;
/** Objects count as touched when the agent's centre comes this close to theirs. */
export const TOUCH_DISTANCE = AGENT_RADIUS + 0.3;
/** Metres moved per frame by forward, backward and strafe actions. */
export const MOVE_PER_FRAME = 0.05;
/** Radians turned per frame (3.75°, so 15° per agent step at action repeat 4). */
export const TURN_PER_FRAME = (3.75 * Math.PI) / 180;

/**
 * The 9 actions: IMPALA's DMLab set (move, strafe, look, look while moving forward), with noop in
 * place of fire, which collecting has no use for. Components are +1 forward, +1 strafe left and
 * +1 turn left (counter-clockwise seen from above).
 */
export const ACTIONS: readonly { name: string; forward: number; strafe: number; turn: number }[] = [
  { name: 'noop', forward: 0, strafe: 0, turn: 0 },
  { name: 'forward', forward: 1, strafe: 0, turn: 0 },
  { name: 'backward', forward: -1, strafe: 0, turn: 0 },
  { name: 'strafe_left', forward: 0, strafe: 1, turn: 0 },
  { name: 'strafe_right', forward: 0, strafe: -1, turn: 0 },
  { name: 'turn_left', forward: 0, strafe: 0, turn: 1 },
  { name: 'turn_right', forward: 0, strafe: 0, turn: -1 },
  { name: 'forward_turn_left', forward: 1, strafe: 0, turn: 1 },
  { name: 'forward_turn_right', forward: 1, strafe: 0, turn: -1 },
];

export interface RoomObject {
  x: number;
  y: number;
  /** Yaw of a bad object's box, for looks only. */
  yaw: number;
  good: boolean;
  alive: boolean;
}

/** Clear margins used when placing things at reset, so nothing starts touching or inside a wall. */
const WALL_MARGIN = 0.5;
const AGENT_CLEARANCE = 1.0;
const OBJECT_SPACING = 0.8;

/** The state of one episode; tests may move things around before a step. */
export class Room {
  x = 0;
  y = 0;
  heading = 0;
  objects: RoomObject[] = [];

  /** Random agent pose and object positions (rejection sampling, so the counts must fit). */
  place(rng: Rng, numGood: number, numBad: number): void {
    const span = 2 * (ROOM_HALF - WALL_MARGIN);
    const spot = (): [number, number] => [rng.float() * span - span / 2, rng.float() * span - span / 2];
    [this.x, this.y] = spot();
    this.heading = rng.float() * 2 * Math.PI;
    this.objects = [];
    for (let i = 0; i < numGood + numBad; i++) {
      for (let attempt = 0; ; attempt++) {
        if (attempt === 10_000) throw new Error(`room_collect: cannot fit ${numGood + numBad} objects in the room; use fewer`);
        const [x, y] = spot();
        if (Math.hypot(x - this.x, y - this.y) < AGENT_CLEARANCE) continue;
        if (this.objects.some((o) => Math.hypot(x - o.x, y - o.y) < OBJECT_SPACING)) continue;
        this.objects.push({ x, y, yaw: rng.float() * Math.PI, good: i < numGood, alive: true });
        break;
      }
    }
  }

  /**
   * One frame of `action`: turn, then move along the new heading, clamped by the walls, then
   * collect whatever is touched. Returns the reward of the frame (+1 per good, −1 per bad).
   */
  frame(action: number): number {
    const a = ACTIONS[action];
    this.heading = (this.heading + a.turn * TURN_PER_FRAME) % (2 * Math.PI);
    if (this.heading < 0) this.heading += 2 * Math.PI;
    const c = Math.cos(this.heading);
    const s = Math.sin(this.heading);
    const limit = ROOM_HALF - AGENT_RADIUS;
    this.x = clamp(this.x + MOVE_PER_FRAME * (a.forward * c - a.strafe * s), limit);
    this.y = clamp(this.y + MOVE_PER_FRAME * (a.forward * s + a.strafe * c), limit);
    let reward = 0;
    for (const o of this.objects) {
      if (o.alive && Math.hypot(o.x - this.x, o.y - this.y) < TOUCH_DISTANCE) {
        o.alive = false;
        reward += o.good ? 1 : -1;
      }
    }
    return reward;
  }

  count(good: boolean): number {
    return this.objects.filter((o) => o.alive && o.good === good).length;
  }
}

function clamp(v: number, limit: number): number {
  return Math.min(Math.max(v, -limit), limit);
}
