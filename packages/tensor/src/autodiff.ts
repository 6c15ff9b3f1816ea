/**
 * Reverse-mode autodiff on a tape.
 *
 * While `valueAndGrad` runs its function, every op whose inputs include a tracked tensor (a
 * parameter, or something computed from one) appends a node to the tape: its inputs, its
 * output and its vector-Jacobian product. The tape is therefore already in topological
 * order; the backward pass walks it once in reverse, summing each node's input gradients.
 * Gradients are not themselves recorded (no higher-order derivatives).
 */
import { backendHasPhases, collectTensors, currentPhase, inBackendPhases, tensorIdWatermark, tidy } from './engine.ts';
import { fmt } from './shape.ts';
import type { Tensor } from './tensor.ts';
import { isFloat } from './dtype.ts';

/**
 * Gradient of a node's output → gradients of its inputs (null where an input gets none).
 * `needs[j]` says whether input j depends on a parameter: a rule may skip (return null for) the
 * others — a matmul by a constant weight need not form that weight's gradient. Skipping is only
 * a saving; a rule that ignores `needs` is still correct.
 */
export type Vjp = (g: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

/** Gradients of a node's outputs (null where an output got none) → gradients of its inputs. */
export type MultiVjp = (gs: readonly (Tensor | null)[], needs: readonly boolean[]) => readonly (Tensor | null)[];

interface Node {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly vjp: MultiVjp;
  /** The engine's open phases when the op ran (see engine `phase`); its gradient runs under them + 'backward'. */
  readonly phase: readonly string[];
}

class Tape {
  readonly nodes: Node[] = [];
  readonly tracked = new Set<Tensor>();
  constructor(leaves: Iterable<Tensor>) {
    for (const t of leaves) this.tracked.add(t);
  }
}

let tape: Tape | null = null;

/** Called by every differentiable op after computing `output`. A no-op when nothing is being differentiated. */
export function record(op: string, inputs: readonly Tensor[], output: Tensor, vjp: Vjp): Tensor {
  recordMulti(op, inputs, [output], (gs, needs) => vjp(gs[0]!, needs));
  return output;
}

/**
 * `record` for an op with several outputs (a fused kernel): its vjp runs once, after every
 * consumer of every output, with the outputs' gradients (null for an output nothing used).
 */
export function recordMulti<T extends readonly Tensor[]>(op: string, inputs: readonly Tensor[], outputs: T, vjp: MultiVjp): T {
  if (tape !== null && inputs.some((x) => tape!.tracked.has(x))) {
    tape.nodes.push({ op, inputs, outputs, vjp, phase: currentPhase() });
    for (const y of outputs) tape.tracked.add(y);
    // The vjp may read any input or output: keep them alive even if their owner disposes them.
    for (const x of inputs) x.hold();
    for (const y of outputs) y.hold();
  }
  return outputs;
}

/**
 * Runs `fn` with recording paused: an op whose gradient rule is stated as a whole (a fused op
 * computed by composition) records one node itself instead of one per primitive.
 */
export function untracked<T>(fn: () => T): T {
  const outer = tape;
  tape = null;
  try {
    return fn();
  } finally {
    tape = outer;
  }
}

/** True while a gradient is being recorded and `t` depends on a parameter. */
export function isTracked(t: Tensor): boolean {
  return tape !== null && tape.tracked.has(t);
}

/** A tree of tensors: a tensor, or arrays / plain objects of trees. */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

/** What the differentiated function returns: the loss, or the loss with auxiliary outputs. */
export type LossOutput<A> = Tensor | { loss: Tensor; aux: A };

export interface ValueAndGrad<P, A> {
  value: Tensor;
  grads: P;
  aux: A | undefined;
}

/**
 * Evaluates `fn(params)` and the gradient of its scalar result with respect to every tensor in
 * `params` (any tree of tensors). Tensors `fn` uses that are not in `params` are constants.
 * Intermediates are disposed before returning; the value, the gradients (same tree shape as
 * `params`) and `aux` are the caller's.
 */
export function valueAndGrad<P extends TensorTree, A = undefined>(
  fn: (params: P) => LossOutput<A>,
  params: P,
): ValueAndGrad<P, A> {
  const leaves = collectTensors(params);
  if (leaves.length === 0) throw new Error('valueAndGrad: params holds no tensors');
  for (const leaf of leaves) {
    if (!isFloat(leaf.dtype)) {
      throw new TypeError(`valueAndGrad: parameter of shape ${fmt(leaf.shape)} has dtype ${leaf.dtype}; gradients need f32 or f64`);
    }
  }
  return tidy(() => {
    const outer = tape;
    const t = new Tape(leaves);
    tape = t;
    let out: LossOutput<A>;
    try {
      out = fn(params);
    } catch (e) {
      tape = outer;
      releaseTape(t);
      throw e;
    }
    tape = outer;
    // The tape is released on every path below, including a rejected loss: its holds would
    // otherwise keep every recorded tensor (parameters included) from ever being freed.
    let loss: Tensor;
    let aux: A | undefined;
    let grads: Map<Tensor, Tensor>;
    try {
      const isPair = out !== null && typeof out === 'object' && !(out as Tensor).isTensor;
      loss = isPair ? (out as { loss: Tensor }).loss : (out as Tensor);
      aux = isPair ? (out as { aux: A }).aux : undefined;
      if (!loss || !(loss as Tensor).isTensor || loss.size !== 1 || !isFloat(loss.dtype)) {
        const got = loss && (loss as Tensor).isTensor ? `shape ${fmt(loss.shape)} ${loss.dtype}` : String(loss);
        throw new Error(`valueAndGrad: the function must return a float scalar (or {loss, aux}); got ${got}`);
      }
      grads = backward(t, loss, leaves);
    } finally {
      releaseTape(t);
    }
    return { value: loss, grads: rebuild(params, grads) as P, aux };
  });
}

/** Like valueAndGrad, but returns only the gradients. */
export function grad<P extends TensorTree>(fn: (params: P) => LossOutput<unknown>, params: P): P {
  return tidy(() => valueAndGrad(fn, params).grads);
}

function releaseTape(t: Tape): void {
  for (const node of t.nodes) releaseNode(node);
  t.nodes.length = 0;
}

function releaseNode(node: Node): void {
  for (const x of node.inputs) x.unhold();
  for (const y of node.outputs) y.unhold();
}

/**
 * The backward pass. Memory is released as it goes: once a node's vjp has run, its tape holds are
 * dropped (forward tensors nobody else keeps are freed), its outputs' gradients are disposed, and
 * the vjp's own intermediates are freed when it returns; only tensors created by the backward pass
 * itself are ever disposed here. So the peak is about the forward tape plus the live gradients,
 * not the tape plus every gradient and temporary of the whole pass.
 *
 * When the active backend takes phases (a profiler), each op's gradient runs
 * inside the phases the op itself ran in, relative to those open around valueAndGrad, plus a
 * last 'backward': an op recorded in phase 'encoder' has its gradient launches summed under
 * 'encoder/backward', and what was recorded outside any inner phase (or accumulates the
 * parameters' gradients at the end) under 'backward'. Runs of ops in one phase share one entry.
 */
function backward(t: Tape, loss: Tensor, leaves: readonly Tensor[]): Map<Tensor, Tensor> {
  if (!backendHasPhases()) return backwardPass(t, loss, leaves);
  const base = currentPhase();
  const relative = (path: readonly string[]): string[] =>
    path.length >= base.length && base.every((name, k) => path[k] === name) ? [...path.slice(base.length), 'backward'] : [...path, 'backward'];
  return backwardPass(t, loss, leaves, (path, fn) => inBackendPhases(relative(path), fn));
}

function backwardPass(
  t: Tape,
  loss: Tensor,
  leaves: readonly Tensor[],
  inPhase: (path: readonly string[], fn: () => void) => void = (_, fn) => fn(),
): Map<Tensor, Tensor> {
  const grads = new Gradients(tensorIdWatermark());
  inPhase([], () => grads.set(loss, onesLike(loss)));
  const nodes = t.nodes;
  for (let i = nodes.length - 1; i >= 0; ) {
    // The run of nodes nodes[j..i] recorded in one phase (the same path array).
    const path = nodes[i].phase;
    let j = i;
    while (j > 0 && nodes[j - 1].phase === path) j--;
    const last = i;
    inPhase(path, () => {
      for (let k = last; k >= j; k--) {
        backwardNode(nodes[k], grads, t);
        // Every consumer of this node's outputs came later on the tape and has run.
        for (const y of nodes[k].outputs) grads.drop(y);
        releaseNode(nodes[k]);
        nodes.length = k;
      }
    });
    i = j - 1;
  }
  // Each parameter gets a gradient tensor of its own, even where a vjp passed one tensor to
  // several inputs (a + b) or the gradient is the seed itself: shared storage, separate handles.
  const out = new Map<Tensor, Tensor>();
  inPhase([], () => {
    const handedOut = new Set<Tensor>();
    for (const leaf of leaves) {
      if (out.has(leaf)) continue;
      let g = grads.get(leaf) ?? ops.zerosLike(leaf);
      if (handedOut.has(g) || g === loss) g = g.view(g.shape);
      handedOut.add(g);
      out.set(leaf, g);
    }
  });
  return out;
}

/**
 * Gradients by tensor, with the number of entries that share each gradient tensor (a vjp may pass
 * one tensor to several inputs), so that one is disposed when no entry uses it any more — and only
 * if the backward pass created it (id ≥ `firstId`): a vjp may return a tensor it did not make.
 */
class Gradients {
  readonly #map = new Map<Tensor, Tensor>();
  readonly #uses = new Map<Tensor, number>();
  readonly firstId: number;
  constructor(firstId: number) {
    this.firstId = firstId;
  }

  get(x: Tensor): Tensor | undefined {
    return this.#map.get(x);
  }

  set(x: Tensor, g: Tensor): void {
    const prev = this.#map.get(x);
    this.#map.set(x, g);
    this.#uses.set(g, (this.#uses.get(g) ?? 0) + 1);
    if (prev) this.#release(prev);
  }

  /** Forgets x's gradient (disposing it if nothing else uses it). */
  drop(x: Tensor): void {
    const g = this.#map.get(x);
    if (!g) return;
    this.#map.delete(x);
    this.#release(g);
  }

  /** Disposes g if no entry uses it and the backward pass made it. */
  discard(g: Tensor): void {
    if (!this.#uses.has(g) && g.id >= this.firstId) g.dispose();
  }

  #release(g: Tensor): void {
    const n = this.#uses.get(g)! - 1;
    if (n > 0) {
      this.#uses.set(g, n);
      return;
    }
    this.#uses.delete(g);
    if (g.id >= this.firstId) g.dispose();
  }
}

/** One node's vjp (its temporaries freed on return); its input gradients are summed into `grads`. */
function backwardNode(node: Node, grads: Gradients, t: Tape): void {
  const gs = node.outputs.map((y) => grads.get(y) ?? null);
  if (gs.every((g) => g === null)) return;
  const needs = node.inputs.map((x) => t.tracked.has(x));
  const inputGrads = tidy(() => node.vjp(gs, needs));
  node.inputs.forEach((x, j) => {
    const gx = inputGrads[j];
    if (!gx || !t.tracked.has(x)) return;
    if (gx.shape.length !== x.shape.length || gx.shape.some((d, k) => d !== x.shape[k])) {
      throw new Error(`internal: ${node.op} gradient for input ${j} has shape ${fmt(gx.shape)}, expected ${fmt(x.shape)}`);
    }
    const prev = grads.get(x);
    grads.set(x, prev ? ops.add(prev, gx) : gx);
  });
  // Gradients for untracked inputs, and terms now summed into another tensor.
  for (const gx of inputGrads) if (gx) grads.discard(gx);
}

function onesLike(t: Tensor): Tensor {
  return ops.onesLike(t);
}

function rebuild(tree: unknown, grads: Map<Tensor, Tensor>): unknown {
  if ((tree as Tensor).isTensor) return grads.get(tree as Tensor);
  if (Array.isArray(tree)) return tree.map((x) => rebuild(x, grads));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree as object)) out[k] = rebuild(v, grads);
  return out;
}

/** The few ops the backward pass itself needs, injected by ops/index.ts to avoid an import cycle. */
const ops = {
  add: (_a: Tensor, _b: Tensor): Tensor => {
    throw new Error('autodiff ops not installed');
  },
  zerosLike: (_a: Tensor): Tensor => {
    throw new Error('autodiff ops not installed');
  },
  onesLike: (_a: Tensor): Tensor => {
    throw new Error('autodiff ops not installed');
  },
};

export function installAutodiffOps(impl: typeof ops): void {
  Object.assign(ops, impl);
}
