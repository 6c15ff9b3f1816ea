/**
 * The console's one-line summaries. The seed prints objective means; its names are log-probs
 * and summary paths, so the line shows them as losses with plain names: the world-model loss
 * and its parts (image and reward negative log-likelihoods, the KL after free nats), then the
 * value and actor losses.
 */
import type { Config } from '@dreamer/agent';

function num(v: number): string {
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(3);
}

/** Losses by readable name, from the update metrics (absent ones left out). */
export function readableLosses(m: Record<string, number>): string {
  const part = (name: string, key: string, sign = 1): string | null => (key in m ? `${name} ${num(sign * m[key])}` : null);
  const parts = [part('image', 'objectives/image', -1), part('reward', 'objectives/reward', -1), part('KL', 'objectives/divergence')].filter(Boolean);
  const model = 'objectives/model' in m ? `world model ${num(m['objectives/model'])}${parts.length ? ` (${parts.join(', ')})` : ''}` : null;
  return [model, part('value', 'objectives/value'), part('actor', 'objectives/action')].filter(Boolean).join(' · ');
}

export function updateLine(updates: number, total: number, envSteps: number, perSecond: number, means: Record<string, number>, lastReturn: number): string {
  const ret = Number.isNaN(lastReturn) ? '' : ` · test return ${lastReturn.toFixed(1)}`;
  return `update ${updates}/${total} · ${envSteps} env steps · ${perSecond.toFixed(2)} upd/s · ${readableLosses(means)}${ret}`;
}

/** The line naming what a run is about to do. */
export function startLine(runDir: string, resumed: boolean, config: Config, presets: readonly string[]): string {
  const what = presets.length ? presets.join(', ') : 'none (seed defaults)';
  return `dreamer train: run ${runDir} (${resumed ? 'resuming' : 'new'}) · task ${config.tasks.join(', ')} · backend ${config.backend} · presets ${what}`;
}
