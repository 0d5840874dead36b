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

/** One line of a benchmark's table: the median, and the fastest and slowest run. */
export function printTimes(label: string, samples: number[], labelWidth: number) {
  console.log(
    `${label.padEnd(labelWidth)} ${median(samples).toFixed(1).padStart(8)} ms   (min ${Math.min(...samples).toFixed(1)}, max ${Math.max(...samples).toFixed(1)})`,
  );
}
