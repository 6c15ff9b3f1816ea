/**
 * `--params` as the seed reads it: a YAML flow mapping such as
 * `{defaults: [dreamer, debug], tasks: [dummy]}`, where `#` stands for `,` (so the string
 * survives shells and job launchers that treat commas specially). YAML 1.1 is used so that the
 * seed's `True`/`False` are booleans. Friendlier flags (`--task`, `--configs`, `--set k=v`) are
 * folded into the same params object; explicit flags win over `--params`.
 */
import { parse } from 'yaml';

export class ParamsError extends Error {
  override name = 'ParamsError';
}

export function parseParams(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(text.replaceAll('#', ','), { version: '1.1' });
  } catch (e) {
    throw new ParamsError(`--params: not valid YAML (${(e as Error).message.split('\n')[0]}); expected a mapping like '{defaults: [dreamer, debug], tasks: [dummy]}'`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ParamsError(`--params: got ${JSON.stringify(value)}, expected a mapping like '{defaults: [dreamer, debug], tasks: [dummy]}'`);
  }
  return value as Record<string, unknown>;
}

/** One `--set key=value`: the value is read as YAML (numbers, booleans, lists), the key kept. */
export function parseSetting(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ParamsError(`--set: got "${text}", expected key=value (e.g. --set batch_shape=[16,50])`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = parse(raw, { version: '1.1' });
  } catch {
    value = raw;
  }
  return [key, value === null && raw.trim() !== 'null' && raw.trim() !== '~' ? raw : value];
}

export interface ParamSources {
  params?: string;
  configs?: string;
  task?: string;
  set?: string[];
}

/** Merges `--params`, `--configs a,b`, `--task x` and `--set k=v` into one params object. */
export function collectParams(src: ParamSources): Record<string, unknown> {
  const params = src.params ? parseParams(src.params) : {};
  if (src.configs) {
    const extra = src.configs.split(/[,\s]+/).filter(Boolean);
    const base = Array.isArray(params.defaults) ? params.defaults : [];
    params.defaults = [...base, ...extra];
  }
  if (src.task) params.tasks = [src.task];
  for (const s of src.set ?? []) {
    const [k, v] = parseSetting(s);
    params[k] = v;
  }
  return params;
}
