// Wrappers change one aspect of an env (actions, rewards, episode length, recording) and
// forward everything else, so they stack: `new TimeLimit(new ActionRepeat(env, 2), 500)`.
import type { Action, ActionSpec, Env, ObservationSpec, TimeStep } from '../env.ts';

export abstract class Wrapper implements Env {
  readonly env: Env;

  constructor(env: Env) {
    this.env = env;
  }

  get name(): string {
    return this.env.name;
  }

  get observationSpec(): ObservationSpec {
    return this.env.observationSpec;
  }

  get actionSpec(): ActionSpec {
    return this.env.actionSpec;
  }

  reset(seed: number): TimeStep {
    return this.env.reset(seed);
  }

  step(action: Action): TimeStep {
    return this.env.step(action);
  }

  close(): void {
    this.env.close();
  }
}

/** A short printable form of a value for error messages. */
export function show(value: unknown): string {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    return `[${items.slice(0, 8).map(String).join(', ')}${items.length > 8 ? ', …' : ''}] (length ${items.length})`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function positiveInteger(what: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${what} must be a positive integer, got ${show(v)}`);
  return v;
}
