/**
 * Schwartz sequential dropping on a weighted digraph, as python-vote-core's
 * `schwartz_set_heuristic` runs it for Schulze STV and Schulze proportional
 * ranking. An edge u→v means "u beats v" with the given strength; both
 * directions may be present.
 *
 * Repeat while edges remain: remove every node that some other node reaches
 * without being reached back (nodes outside the Schwartz set); if there is
 * none, drop all edges of the smallest strength. The nodes left are the
 * winners.
 */
export interface WeightedEdge {
  from: number;
  to: number;
  weight: number;
}

export interface SsdStep {
  removedNodes?: number[];
  droppedEdges?: { edges: number[]; weight: number };
}

export interface SsdOutcome {
  winners: number[];
  steps: SsdStep[];
}

/**
 * `unbeatenFirst`: when some node has no incoming edge at all, those nodes win
 * outright and no dropping happens (python-vote-core's `graph_winner`, which
 * Schulze STV calls before the heuristic).
 */
export function schwartzSequentialDropping(nodeCount: number, edges: readonly WeightedEdge[], unbeatenFirst = false): SsdOutcome {
  const nodeAlive = new Uint8Array(nodeCount).fill(1);
  const steps: SsdStep[] = [];

  if (unbeatenFirst) {
    const beaten = new Uint8Array(nodeCount);
    for (const edge of edges) beaten[edge.to] = 1;
    const unbeaten = range(nodeCount).filter((v) => beaten[v] === 0);
    if (unbeaten.length > 0) return { winners: unbeaten, steps };
  }

  // Live edges, weakest first: the edges to drop are always a prefix.
  let live = range(edges.length).sort((a, b) => (edges[a] as WeightedEdge).weight - (edges[b] as WeightedEdge).weight);
  while (live.length > 0) {
    const component = components(nodeCount, nodeAlive, edges, live);
    const entered = new Set<number>();
    for (const e of live) {
      const { from, to } = edges[e] as WeightedEdge;
      if (component[from] !== component[to]) entered.add(component[to] as number);
    }
    const removed = range(nodeCount).filter((v) => nodeAlive[v] === 1 && entered.has(component[v] as number));
    if (removed.length > 0) {
      for (const v of removed) nodeAlive[v] = 0;
      live = live.filter((e) => nodeAlive[(edges[e] as WeightedEdge).from] === 1 && nodeAlive[(edges[e] as WeightedEdge).to] === 1);
      steps.push({ removedNodes: removed });
      continue;
    }
    const weakest = (edges[live[0] as number] as WeightedEdge).weight;
    let cut = 0;
    while (cut < live.length && (edges[live[cut] as number] as WeightedEdge).weight === weakest) cut++;
    steps.push({ droppedEdges: { edges: live.slice(0, cut), weight: weakest } });
    live = live.slice(cut);
  }
  return { winners: range(nodeCount).filter((v) => nodeAlive[v] === 1), steps };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Strongly connected components of the live subgraph (Kosaraju, iterative so large graphs do not overflow the stack). */
function components(nodeCount: number, nodeAlive: Uint8Array, edges: readonly WeightedEdge[], live: readonly number[]): Int32Array {
  const out: number[][] = Array.from({ length: nodeCount }, () => []);
  const into: number[][] = Array.from({ length: nodeCount }, () => []);
  for (const e of live) {
    const { from, to } = edges[e] as WeightedEdge;
    out[from]?.push(to);
    into[to]?.push(from);
  }
  const visited = new Uint8Array(nodeCount);
  const finished: number[] = [];
  for (let start = 0; start < nodeCount; start++) {
    if (visited[start] || !nodeAlive[start]) continue;
    visited[start] = 1;
    const stack: [number, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [number, number];
      const next = (out[top[0]] as number[])[top[1]];
      if (next === undefined) {
        finished.push(top[0]);
        stack.pop();
        continue;
      }
      top[1]++;
      if (!visited[next]) {
        visited[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
  const component = new Int32Array(nodeCount).fill(-1);
  let count = 0;
  for (let i = finished.length - 1; i >= 0; i--) {
    const root = finished[i] as number;
    if (component[root] !== -1) continue;
    const stack = [root];
    component[root] = count;
    while (stack.length > 0) {
      const v = stack.pop() as number;
      for (const u of into[v] as number[]) {
        if (component[u] === -1) {
          component[u] = count;
          stack.push(u);
        }
      }
    }
    count++;
  }
  return component;
}
