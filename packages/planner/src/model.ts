/**
 * What a planner needs from a model: open-loop dynamics and per-state scores over a batch of M
 * states. States are tensor trees whose leaves share the leading batch axis, so the planner can
 * tile a start state to every candidate itself.
 */
import { type DType, RandomKey, Tensor, type TensorTree, broadcastTo, expandDims, reshape, tidy } from '@dreamer/tensor';

export interface PlanningModel<S extends TensorTree = TensorTree> {
  /** Size of one action vector, A. */
  readonly actionSize: number;
  /** dtype of the sampled actions (default 'f32'). */
  readonly dtype?: DType;
  /** s_{t+1} from s_t [M, ·] and a_t [M, A]; `key` draws any transition noise. */
  step(state: S, action: Tensor, key: RandomKey): S;
  /** Predicted reward of each state [M] (a reward head's mean). */
  reward(state: S): Tensor;
  /** Predicted value of each state [M]; needed by the 'reward_value' objective. */
  value?(state: S): Tensor;
}

const leaves = (tree: TensorTree): Tensor[] =>
  tree instanceof Tensor ? [tree] : Array.isArray(tree) ? tree.flatMap(leaves) : Object.values(tree).flatMap(leaves);

/** The leading (batch) size shared by every leaf of `state`. */
export function batchSize(state: TensorTree): number {
  const all = leaves(state);
  if (all.length === 0) throw new RangeError('planner: the start state has no tensors');
  const b = all[0].shape[0];
  for (const x of all) {
    if (x.shape.length === 0 || x.shape[0] !== b) throw new RangeError(`planner: state leaves must share a leading batch axis; got [${all[0].shape.join(', ')}] and [${x.shape.join(', ')}]`);
  }
  return b;
}

/** [B, ·] → [B·n, ·], each start repeated n times in a row (row b·n + i is start b, candidate i). */
export function tileState<S extends TensorTree>(state: S, n: number): S {
  const tile = (tree: TensorTree): TensorTree => {
    if (tree instanceof Tensor) {
      const [b, ...rest] = tree.shape;
      return reshape(broadcastTo(expandDims(tree, 1), [b, n, ...rest]), [b * n, ...rest]);
    }
    if (Array.isArray(tree)) return tree.map(tile);
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, tile(v)]));
  };
  return tidy(() => tile(state)) as S;
}
