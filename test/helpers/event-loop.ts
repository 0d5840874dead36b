/**
 * Runs `work` and counts the turns of the event loop meanwhile: each is a moment another
 * request could have been answered in. A count, never a time, so it holds on a busy machine.
 * `work` may read the count so far.
 */
export async function turnsWhile<T>(work: (turnsSoFar: () => number) => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let working = true;
  const turn = () => {
    turns++;
    if (working) setImmediate(turn);
  };
  setImmediate(turn);
  try {
    return { result: await work(() => turns), turns };
  } finally {
    working = false;
  }
}
