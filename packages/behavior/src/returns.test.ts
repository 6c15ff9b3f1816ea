import { describe, expect, it } from 'vitest';
import { type Tensor, tensor, valueAndGrad } from '@dreamer/tensor';
import { discountWeights, lambdaReturn } from './index.ts';

const arr = (x: Tensor) => Array.from(x.dataSync());

describe('λ-return', () => {
  // H = 3, one trajectory (shape [3, 1]), λ = 0.5:
  //   r = [1, 2, 3], v = [10, 20, 30], γ = [0.9, 0.8, 0.5], bootstrap 40, so v_{t+1} = [20, 30, 40].
  //   R_2 = 3 + 0.5·(0.5·40 + 0.5·40)      = 3 + 0.5·40   = 23
  //   R_1 = 2 + 0.8·(0.5·30 + 0.5·23)      = 2 + 0.8·26.5 = 23.2
  //   R_0 = 1 + 0.9·(0.5·20 + 0.5·23.2)    = 1 + 0.9·21.6 = 20.44
  const r = tensor([[1], [2], [3]], undefined, 'f64');
  const v = tensor([[10], [20], [30]], undefined, 'f64');
  const g = tensor([[0.9], [0.8], [0.5]], undefined, 'f64');
  const boot = tensor([40], undefined, 'f64');

  it('matches the hand-worked H = 3 example', () => {
    const R = arr(lambdaReturn(r, v, g, boot, 0.5));
    [20.44, 23.2, 23].forEach((x, i) => expect(R[i]).toBeCloseTo(x, 12));
  });

  it('λ = 1 is the discounted return plus discounted bootstrap; λ = 0 is one-step TD', () => {
    // 1 + 0.9·2 + 0.72·3 + 0.36·40 = 19.36;  2 + 0.8·3 + 0.4·40 = 20.4;  3 + 0.5·40 = 23
    arr(lambdaReturn(r, v, g, boot, 1)).forEach((x, i) => expect(x).toBeCloseTo([19.36, 20.4, 23][i], 12));
    // r_t + γ_t v_{t+1} = [1 + 18, 2 + 24, 3 + 20]
    arr(lambdaReturn(r, v, g, boot, 0)).forEach((x, i) => expect(x).toBeCloseTo([19, 26, 23][i], 12));
  });

  it('works over a batch of trajectories (axis 0 is time)', () => {
    const two = (x: number[][]) => tensor(x.map((row) => [row[0], 2 * row[0]]), undefined, 'f64');
    const R = arr(lambdaReturn(two([[1], [2], [3]]), two([[10], [20], [30]]), tensor([[0.9, 0.9], [0.8, 0.8], [0.5, 0.5]], undefined, 'f64'), tensor([40, 80], undefined, 'f64'), 0.5));
    expect(R[0]).toBeCloseTo(20.44, 12);
    expect(R[1]).toBeCloseTo(40.88, 12); // everything doubled: the return is linear in (r, v, bootstrap)
  });

  it('is differentiable in rewards, values and discounts (dynamics backprop flows through it)', () => {
    const { grads } = valueAndGrad((x: Tensor) => lambdaReturn(x, v, g, boot, 0.5).sum(), r);
    // ∂(R_0 + R_1 + R_2)/∂r_2 = 1 + 0.8·0.5 + 0.9·0.5·0.8·0.5 = 1.58
    expect(arr(grads)[2]).toBeCloseTo(1.58, 12);
  });
});

describe('discount weights', () => {
  it('w = cumprod([1, γ_0, γ_1, …]) without a gradient', () => {
    expect(arr(discountWeights(tensor([[0.9], [0.8], [0.5]], undefined, 'f64')))).toEqual([1, 0.9, 0.9 * 0.8]);
    // a predicted terminal (γ = 0) zeroes every later step
    expect(arr(discountWeights(tensor([1, 0, 1, 1], undefined, 'f64')))).toEqual([1, 1, 0, 0]);
    const { grads } = valueAndGrad((x: Tensor) => discountWeights(x).sum(), tensor([0.5, 0.5, 0.5], undefined, 'f64'));
    expect(arr(grads)).toEqual([0, 0, 0]);
  });
});
