// Step N envs together with one call, as the seed's `simulate` loop does with its env list.
// They run one after another on this thread; PixelVectorEnv (render/pixel_vector.ts) builds on
// this and draws all frames in one dispatch (or, with the CPU renderer, puts the envs on worker
// threads, following these same rules).
// With `autoReset` (default), an env whose episode ended is reset on the next `step` (its
// action is ignored and its reset TimeStep returned, with `info.autoReset`), so collection
// never stalls. Reset seeds are drawn from one Rng seeded by `reset(seed)`, so a whole run is
// reproducible from one number.
import { validateAction, type Action, type ActionSpec, type Env, type ObservationSpec, type TimeStep } from '../env.ts';
import { Rng } from '../rng.ts';
import { show } from './base.ts';

export interface VectorEnvOptions {
  /** Reset finished envs on the next step (default true); otherwise stepping one throws. */
  autoReset?: boolean;
}

const specKey = (spec: unknown) =>
  JSON.stringify(spec, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));

export class VectorEnv {
  readonly envs: readonly Env[];
  readonly observationSpec: ObservationSpec;
  readonly actionSpec: ActionSpec;
  readonly autoReset: boolean;
  private seeds: Rng | null = null;
  private ended: boolean[];

  constructor(envs: readonly Env[], options: VectorEnvOptions = {}) {
    if (envs.length === 0) throw new Error('VectorEnv: needs at least one env');
    const [first] = envs;
    for (const [i, env] of envs.entries()) {
      if (specKey(env.observationSpec) !== specKey(first.observationSpec) || specKey(env.actionSpec) !== specKey(first.actionSpec)) {
        throw new Error(`VectorEnv: env ${i} (${env.name}) has different observation or action specs than env 0 (${first.name})`);
      }
    }
    this.envs = envs;
    this.observationSpec = first.observationSpec;
    this.actionSpec = first.actionSpec;
    this.autoReset = options.autoReset ?? true;
    this.ended = envs.map(() => true);
  }

  get size(): number {
    return this.envs.length;
  }

  /** Reset every env, each with its own seed drawn from `seed`. */
  reset(seed: number): TimeStep[] {
    this.seeds = new Rng(seed);
    return this.envs.map((_, i) => this.resetOne(i));
  }

  /** Step env i with `actions[i]`; one action per env. */
  step(actions: readonly Action[]): TimeStep[] {
    if (!this.seeds) throw new Error('VectorEnv: step() called before reset(seed)');
    if (!Array.isArray(actions) || actions.length !== this.size) {
      throw new Error(`VectorEnv: got ${show(actions)} as actions; expected an array of ${this.size} actions, one per env`);
    }
    // Check every action first so a bad one leaves no env stepped and the batch in lockstep.
    this.envs.forEach((env, i) => {
      if (!this.ended[i]) validateAction(this.actionSpec, actions[i], `VectorEnv env ${i} (${env.name})`);
    });
    return this.envs.map((env, i) => {
      if (this.ended[i]) {
        if (!this.autoReset) throw new Error(`VectorEnv: env ${i} (${env.name}) ended; call reset(seed) first`);
        const ts = this.resetOne(i);
        return { ...ts, info: { ...ts.info, autoReset: true } };
      }
      const ts = env.step(actions[i]);
      this.ended[i] = ts.terminal || ts.truncated;
      return ts;
    });
  }

  close(): void {
    for (const env of this.envs) env.close();
  }

  private resetOne(i: number): TimeStep {
    const ts = this.envs[i].reset(this.seeds!.nextUint32());
    this.ended[i] = false;
    return ts;
  }
}
