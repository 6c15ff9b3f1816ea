import { expect, test } from 'vitest';
import { readableLosses } from './summary.ts';

test('the summary line names the seed objectives as losses', () => {
  const m = { 'objectives/model': 12092.4, 'objectives/image': -11803.36, 'objectives/reward': -288.64, 'objectives/divergence': 0.25, 'objectives/value': 1.3559, 'objectives/action': -0.069 };
  expect(readableLosses(m)).toBe('world model 12092 (image 11803, reward 288.6, KL 0.250) · value 1.356 · actor -0.069');
  expect(readableLosses({ 'objectives/value': 2 })).toBe('value 2.000');
});
