import { describe, expect, test } from 'vitest';
import { philox4x32, philoxWords } from './philox.ts';

// Known-answer vectors of Philox4x32-10 published with the Random123 library (kat_vectors).
const KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
];

describe('philox4x32-10', () => {
  test.each(KAT)('counter %j key %j', (ctr, key, expected) => {
    const out = new Uint32Array(4);
    philox4x32(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
    expect([...out]).toEqual(expected);
  });

  test('stream layout: word e comes from block floor(e/4)', () => {
    const words = philoxWords([0xa4093822, 0x299f31d0], 10);
    const block2 = new Uint32Array(4);
    philox4x32(2, 0, 0, 0, 0xa4093822, 0x299f31d0, block2);
    expect([...words.subarray(8, 10)]).toEqual([...block2.subarray(0, 2)]);
  });
});
