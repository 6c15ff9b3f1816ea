import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsLog, readMetrics } from './metrics.ts';

describe('MetricsLog', () => {
  it('appends records and, on resume, drops those after the checkpoint and a torn tail', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'm-')), 'metrics.jsonl');
    const log = new MetricsLog(path);
    for (const step of [10, 20, 30]) log.write(step, { model_loss: step / 10, nan: Number.NaN });
    appendFileSync(path, '{"step": 40, "mod');
    expect(readMetrics(path).map((r) => r.step)).toEqual([10, 20, 30]);
    expect(readMetrics(path)[0]).toMatchObject({ step: 10, model_loss: 1, nan: 'NaN' });
    new MetricsLog(path, 20);
    expect(readMetrics(path).map((r) => r.step)).toEqual([10, 20]);
  });
});
