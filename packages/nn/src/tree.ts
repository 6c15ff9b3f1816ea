/**
 * Parameter trees: plain nested objects (or arrays) whose leaves are tensors, e.g.
 * `{ encoder: { conv1: { kernel, bias } }, actor: { … } }`. Any subtree is itself a tree, so
 * `valueAndGrad(loss, params.actor)` differentiates just that part.
 */
import type { Tensor, TensorTree } from '@dreamer/tensor';

/** A tree of tensors keyed by layer name. */
export type Params = TensorTree;

function isTensor(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && (v as { isTensor?: boolean }).isTensor === true;
}

/** Every leaf with its '/'-joined path, in insertion order: `[['conv1/kernel', t], …]`. */
export function flattenParams(tree: unknown, prefix = ''): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  const walk = (node: unknown, path: string): void => {
    if (isTensor(node)) {
      out.push([path, node]);
      return;
    }
    if (node === null || typeof node !== 'object') {
      throw new TypeError(`flattenParams: ${path || '<root>'} is ${node === null ? 'null' : typeof node}, not a tensor or a tree of tensors`);
    }
    const entries: [string, unknown][] = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
    for (const [k, v] of entries) {
      if (k.includes('/')) throw new Error(`flattenParams: key "${k}" under ${path || '<root>'} contains '/', which separates path segments`);
      walk(v, path === '' ? k : `${path}/${k}`);
    }
  };
  walk(tree, prefix);
  return out;
}

/** Rebuilds nested objects from '/'-joined names (the inverse of flattenParams for object trees). */
export function unflattenParams(flat: Iterable<[string, Tensor]> | Record<string, Tensor>): Record<string, TensorTree> {
  const entries = Symbol.iterator in Object(flat) ? [...(flat as Iterable<[string, Tensor]>)] : Object.entries(flat as Record<string, Tensor>);
  const root: Record<string, unknown> = {};
  for (const [name, t] of entries) {
    const parts = name.split('/');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = node[parts[i]];
      if (next === undefined) node[parts[i]] = {};
      else if (isTensor(next)) throw new Error(`unflattenParams: "${parts.slice(0, i + 1).join('/')}" is both a tensor and a group`);
      node = node[parts[i]] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1];
    if (node[leaf] !== undefined) throw new Error(`unflattenParams: "${name}" appears twice or is also a group`);
    node[leaf] = t;
  }
  return root as Record<string, TensorTree>;
}

/** Total number of scalar parameters in a tree. */
export function countParams(tree: unknown): number {
  let n = 0;
  for (const [, t] of flattenParams(tree)) n += t.size;
  return n;
}

/** A tree of the same structure with `fn(leaf, path)` at every leaf. */
export function mapParams<T extends TensorTree>(tree: T, fn: (t: Tensor, path: string) => Tensor): T {
  const walk = (node: unknown, path: string): unknown => {
    if (isTensor(node)) return fn(node, path);
    if (Array.isArray(node)) return node.map((v, i) => walk(v, path === '' ? String(i) : `${path}/${i}`));
    if (node === null || typeof node !== 'object') throw new TypeError(`mapParams: ${path || '<root>'} is not a tensor or a tree of tensors`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, path === '' ? k : `${path}/${k}`);
    return out;
  };
  return walk(tree, '') as T;
}

/** Like mapParams over several trees of the same structure (leaves matched by path). */
export function zipMapParams<T extends TensorTree>(trees: readonly TensorTree[], fn: (leaves: Tensor[], path: string) => Tensor): T {
  const flats = trees.map((t) => new Map(flattenParams(t)));
  return mapParams(trees[0] as T, (_t, path) => {
    const leaves = flats.map((f, i) => {
      const leaf = f.get(path);
      if (!leaf) throw new Error(`zipMapParams: tree ${i} has no leaf "${path}"`);
      return leaf;
    });
    return fn(leaves, path);
  });
}
