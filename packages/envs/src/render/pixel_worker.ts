// The worker-thread side of PixelVectorEnv's `workers` option (pixel_workers.ts starts it). A
// worker builds its share of the envs itself (its own MuJoCo instance), then answers one message
// per vector step: for each of its envs either a reset seed or an action, stepped in order, then
// every frame of its share ray-cast on the CPU into one buffer that travels back transferred.
// Seeds are drawn on the calling thread, so the episodes are those of the single-thread path.
import { parentPort, workerData } from 'node:worker_threads';
import { sceneOf } from '../control/base.ts';
import { loadMujoco } from '../control/mujoco.ts';
import { makeControlEnv } from '../control/tasks.ts';
import type { Env, TimeStep } from '../env.ts';
import { ActionRepeat } from '../wrappers/action_repeat.ts';
import { renderCpu } from './cpu.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pixel_workers.ts';

const init = workerData as WorkerInit;
const port = parentPort!;

function build(): Env[] {
  return Array.from({ length: init.count }, () => {
    const env: Env = makeControlEnv(init.task, init.episodeLength === undefined ? {} : { episodeLength: init.episodeLength });
    return init.actionRepeat > 1 ? new ActionRepeat(env, init.actionRepeat) : env;
  });
}

function run(envs: Env[], { seeds, actions, dim }: WorkerRequest): WorkerReply {
  const timesteps: TimeStep[] = [];
  for (let i = 0; i < envs.length; i++) {
    const seed = seeds[i];
    const ts = seed === seed ? envs[i].reset(seed) : envs[i].step(actions.subarray(i * dim, (i + 1) * dim));
    timesteps.push(init.keepState ? ts : { ...ts, observation: {} });
  }
  const images = renderCpu(envs.map(sceneOf), { cameras: init.camera, width: init.width, height: init.height, shadows: init.shadows });
  return { timesteps, images };
}

try {
  await loadMujoco();
  const envs = build();
  port.on('message', (request: WorkerRequest | 'close') => {
    if (request === 'close') {
      envs.forEach((env) => env.close());
      port.close();
      return;
    }
    let reply: WorkerReply;
    try {
      reply = run(envs, request);
    } catch (err) {
      port.postMessage({ error: (err as Error).message ?? String(err) } satisfies WorkerReply);
      return;
    }
    port.postMessage(reply, [(reply as { images: Uint8Array }).images.buffer as ArrayBuffer]);
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ error: `worker start-up failed: ${(err as Error).message ?? String(err)}` } satisfies WorkerReply);
}
