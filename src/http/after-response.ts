import type { Context } from "hono";

/**
 * Work the client must not wait for, nor be able to time: sending a mail whose very existence
 * is a secret. It starts on a later turn of the event loop, once the response is handed over.
 * On Workers it is given to `waitUntil`, which keeps the invocation alive until it is done; on
 * Node it runs on as a promise of its own. Its failure is logged, never shown to the client.
 */
export function afterResponse(c: Context, what: string, task: () => Promise<unknown>): void {
  const run = new Promise((resolve) => setTimeout(resolve, 0)).then(task).then(
    () => undefined,
    (error: unknown) => console.error(`${what} failed after the response:`, error),
  );
  let executionCtx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    executionCtx = c.executionCtx;
  } catch {
    // Node has no execution context: the promise runs on by itself.
  }
  executionCtx?.waitUntil(run);
}
