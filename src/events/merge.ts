/**
 * Merges sorted streams into one and takes the first `take` items: each stream is pulled
 * only as far as the merged result needs, so a page of a calendar with thousands of open
 * series expands one or two occurrences of most of them.
 */
export function mergeSorted<T>(streams: Iterable<T>[], compare: (a: T, b: T) => number, take: number): T[] {
  const heap: { head: T; rest: Iterator<T> }[] = [];
  const less = (i: number, j: number) => compare((heap[i] as { head: T }).head, (heap[j] as { head: T }).head) < 0;
  const swap = (i: number, j: number) => {
    [heap[i], heap[j]] = [heap[j] as (typeof heap)[number], heap[i] as (typeof heap)[number]];
  };
  const up = (i: number) => {
    for (let parent = (i - 1) >> 1; i > 0 && less(i, parent); i = parent, parent = (i - 1) >> 1) swap(i, parent);
  };
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && less(left, smallest)) smallest = left;
      if (right < heap.length && less(right, smallest)) smallest = right;
      if (smallest === i) return;
      swap(i, smallest);
      i = smallest;
    }
  };
  for (const stream of streams) {
    const rest = stream[Symbol.iterator]();
    const first = rest.next();
    if (!first.done) {
      heap.push({ head: first.value, rest });
      up(heap.length - 1);
    }
  }
  const out: T[] = [];
  while (out.length < take && heap.length > 0) {
    const top = heap[0] as (typeof heap)[number];
    out.push(top.head);
    const next = top.rest.next();
    if (next.done) {
      const last = heap.pop() as (typeof heap)[number];
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    } else {
      top.head = next.value;
      down(0);
    }
  }
  return out;
}
