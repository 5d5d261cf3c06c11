/**
 * A 2^d-ary space-partitioning tree over points in d ≤ 3 dimensions (a quadtree in 2-D, an
 * octree in 3-D), with each cell's centre of mass and point count: the structure Barnes-Hut
 * t-SNE sums repulsions over (van der Maaten 2014, §4.2; Barnes and Hut 1986). Nodes live in
 * flat typed arrays; node 0 is the root; children of a node are 2^d consecutive nodes.
 */

/** The tree, as flat arrays indexed by node (and by point for the duplicate chains). */
export interface SpaceTree {
  readonly dims: number
  nodeCount: number
  /** Cell centres [node * dims + c]. */
  center: Float64Array
  /** Half the side of each (cubic) cell. */
  halfWidth: Float64Array
  /** Centre of mass of the points in each cell [node * dims + c]. */
  centerOfMass: Float64Array
  /** Points in each cell. */
  count: Float64Array
  /** First of the 2^d children, −1 for a leaf. */
  firstChild: Int32Array
  /** A leaf's first point, −1 when empty; further points at the same place follow `next`. */
  point: Int32Array
  /** Per point: the next point in its leaf (coincident points), −1 at the end. */
  readonly next: Int32Array
}

// below this depth cells are ~2^-48 of the root: points that close are treated as coincident
const maxDepth = 48

/**
 * Builds the tree over the rows of `y` ([n, dims], row-major).
 *
 * @param y - positions
 * @param n - number of points
 * @param dims - 1, 2 or 3
 * @returns the tree
 */
export function buildSpaceTree(y: Float64Array, n: number, dims: number): SpaceTree {
  const capacity = Math.max(16, 4 * n)
  const tree: SpaceTree = {
    dims,
    nodeCount: 1,
    center: new Float64Array(capacity * dims),
    halfWidth: new Float64Array(capacity),
    centerOfMass: new Float64Array(capacity * dims),
    count: new Float64Array(capacity),
    firstChild: new Int32Array(capacity).fill(-1),
    point: new Int32Array(capacity).fill(-1),
    next: new Int32Array(n).fill(-1),
  }
  let half = 0
  for (let c = 0; c < dims; c++) {
    let lo = Infinity
    let hi = -Infinity
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, y[i * dims + c])
      hi = Math.max(hi, y[i * dims + c])
    }
    tree.center[c] = 0.5 * (lo + hi)
    half = Math.max(half, 0.5 * (hi - lo))
  }
  // a margin so that the extreme points fall strictly inside
  tree.halfWidth[0] = half * (1 + 1e-5) + 1e-12
  for (let i = 0; i < n; i++) insert(tree, y, i)
  return tree
}

function insert(tree: SpaceTree, y: Float64Array, i: number): void {
  const d = tree.dims
  let node = 0
  for (let depth = 0; ; depth++) {
    const cnt = tree.count[node]
    for (let c = 0; c < d; c++) {
      tree.centerOfMass[node * d + c] = (tree.centerOfMass[node * d + c] * cnt + y[i * d + c]) / (cnt + 1)
    }
    tree.count[node] = cnt + 1
    if (tree.firstChild[node] < 0) {
      const p = tree.point[node]
      if (p < 0) {
        tree.point[node] = i
        return
      }
      if (depth >= maxDepth || samePlace(y, p, i, d)) {
        tree.next[i] = tree.next[p]
        tree.next[p] = i
        return
      }
      subdivide(tree, node)
      // the old chain (all at one place) moves down whole into its child
      const child = childFor(tree, node, y, p)
      tree.point[child] = p
      tree.count[child] = cnt
      for (let c = 0; c < d; c++) tree.centerOfMass[child * d + c] = y[p * d + c]
      tree.point[node] = -1
    }
    node = childFor(tree, node, y, i)
  }
}

function samePlace(y: Float64Array, p: number, i: number, d: number): boolean {
  for (let c = 0; c < d; c++) if (y[p * d + c] !== y[i * d + c]) return false
  return true
}

function childFor(tree: SpaceTree, node: number, y: Float64Array, i: number): number {
  const d = tree.dims
  let index = 0
  for (let c = 0; c < d; c++) if (y[i * d + c] >= tree.center[node * d + c]) index |= 1 << c
  return tree.firstChild[node] + index
}

function subdivide(tree: SpaceTree, node: number): void {
  const d = tree.dims
  const children = 1 << d
  if (tree.nodeCount + children > tree.count.length) grow(tree)
  const first = tree.nodeCount
  tree.nodeCount += children
  tree.firstChild[node] = first
  const quarter = 0.5 * tree.halfWidth[node]
  for (let k = 0; k < children; k++) {
    const child = first + k
    tree.halfWidth[child] = quarter
    for (let c = 0; c < d; c++) {
      tree.center[child * d + c] = tree.center[node * d + c] + ((k >> c) & 1 ? quarter : -quarter)
    }
  }
}

function grow(tree: SpaceTree): void {
  const capacity = 2 * tree.count.length
  const d = tree.dims
  const resize = <T extends Float64Array | Int32Array>(a: T, size: number, fill: number): T => {
    const b = new (a.constructor as new (n: number) => T)(size)
    b.fill(fill)
    b.set(a)
    return b
  }
  tree.center = resize(tree.center, capacity * d, 0)
  tree.halfWidth = resize(tree.halfWidth, capacity, 0)
  tree.centerOfMass = resize(tree.centerOfMass, capacity * d, 0)
  tree.count = resize(tree.count, capacity, 0)
  tree.firstChild = resize(tree.firstChild, capacity, -1)
  tree.point = resize(tree.point, capacity, -1)
}
