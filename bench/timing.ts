/** The middle of the samples (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Runs `run` once to warm up (statement caches, page cache; given -1), then `runs` times: the times in ms. */
export async function samplesOf(run: (i: number) => Promise<unknown>, runs: number): Promise<number[]> {
  await run(-1);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** One line of a benchmark's table: the median, and the fastest and slowest run; and what else it was given to say. */
export function printTimes(label: string, samples: number[], labelWidth: number, more = "") {
  console.log(
    `${label.padEnd(labelWidth)} ${median(samples).toFixed(1).padStart(8)} ms   (min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)})${more}`,
  );
}

/**
 * Runs `work` while the event loop is asked to turn every 5 ms: each gap between turns
 * longer than that is time the loop was held, when no other request could be answered.
 */
export async function loopHolds<T>(work: () => Promise<T>): Promise<{ result: T; gaps: number[] }> {
  const gaps: number[] = [];
  let lastTurn = performance.now();
  const turns = setInterval(() => {
    const now = performance.now();
    gaps.push(now - lastTurn);
    lastTurn = now;
  }, 5);
  try {
    const result = await work();
    gaps.push(performance.now() - lastTurn);
    return { result, gaps };
  } finally {
    clearInterval(turns);
  }
}
