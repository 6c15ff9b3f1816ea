// Save room_collect's first frame at 256×256 as docs/envs/room_collect.png: the same scene the
// 64×64 observation shows, rendered larger so it can be read. Seed 1, because reset(0) happens
// to start facing a bare wall.
// Run: node packages/envs/scripts/render-room.ts
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCpu } from '../src/render/cpu.ts';
import { encodePng } from '../src/render/png.ts';
import { RoomCollect } from '../src/room/env.ts';

const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/envs/room_collect.png');
const env = new RoomCollect();
env.reset(1);
writeFileSync(file, encodePng(renderCpu([env.scene()], { width: 256, height: 256, shadows: false }), 256, 256));
env.close();
console.log(`wrote ${file}`);
