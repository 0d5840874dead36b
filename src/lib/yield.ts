/**
 * Lets the event loop run whatever waits (other requests, timers, I/O) before going on.
 * The embedded database answers synchronously, so a loop of awaited queries never gives
 * way by itself: awaiting a settled promise runs on at once, ahead of every waiting
 * request. Long work (an export, an import) calls this between its chunks.
 */
export function yieldToEventLoop(): Promise<void> {
  // setImmediate runs after pending I/O on Node; elsewhere a zero timeout does the same job.
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * For long loops: the function returned gives way to the event loop once `sliceMs` have
 * passed since it last did, and otherwise returns at once. `await pace()` on every round.
 */
export function pacer(sliceMs = 10): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return yieldToEventLoop().then(() => {
      sliceStart = performance.now();
    });
  };
}

/**
 * For work done side by side (the lanes of a mail sender): the function returned gives way to
 * the event loop before each call's work, one caller per turn. Callers that each waited for
 * an immediate of their own would all go on in the same turn, back to back, holding the loop
 * for the sum of their work; here each waits for the one before it to have had its turn.
 */
export function turns(): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    last = last.then(yieldToEventLoop);
    return last;
  };
}
