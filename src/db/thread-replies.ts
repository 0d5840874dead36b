/**
 * The threads' side of ThreadChannel (src/db/thread-channel.ts): how they answer requests.
 * Kept apart, with nothing heavy to load, since the threads import it.
 */
import { parentPort } from "node:worker_threads";

/** A failure as a thread reports it: a driver error's message and codes. */
export interface ThreadError {
  message: string;
  code?: string;
  rawCode?: number;
}

export type ThreadReply<Result> = { id: number; result: Result } | { id: number; error: ThreadError };

/** What ThreadChannel sends a thread to end it: the thread closes its connection and its port. */
export const closeMessage = "close";

/** A failure as the caller sees it: the error's message and codes, as the driver reported them. */
function threadErrorOf(error: unknown): ThreadError {
  const { message, code, rawCode } = error as { message?: string; code?: string; rawCode?: number };
  return { message: String(message ?? error), code, rawCode };
}

/**
 * Answers each request with what `work` returns, or the error it throws (after `failed`, which
 * may renew the connection); on the close message, `close`s the connection and ends the thread.
 */
export function answerRequests<Request, Result>(work: (request: Request) => Result, on: { close: () => void; failed?: () => void }): void {
  parentPort?.on("message", (message: (Request & { id: number }) | typeof closeMessage) => {
    if (message === closeMessage) {
      on.close();
      parentPort?.close();
      return;
    }
    let reply: ThreadReply<Result>;
    try {
      reply = { id: message.id, result: work(message) };
    } catch (error) {
      on.failed?.();
      reply = { id: message.id, error: threadErrorOf(error) };
    }
    parentPort?.postMessage(reply);
  });
}
