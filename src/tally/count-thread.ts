/**
 * A worker thread of thread-runner.ts: counts what it is sent and answers with the
 * result, or with the error as plain data (an Error's class does not cross threads).
 * It runs from this TypeScript source, under tsx as under Node's own type stripping,
 * so the engine it imports uses only erasable TypeScript.
 */
import { parentPort } from "node:worker_threads";
import { count } from "../voting/index.ts";
import type { CountInput } from "../voting/types.ts";

export interface CountTask {
  id: number;
  input: CountInput;
}

export type CountReply =
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string; field?: string; limit?: string } };

parentPort?.on("message", (task: CountTask) => {
  let reply: CountReply;
  try {
    reply = { id: task.id, result: count(task.input) };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const { field, limit } = error as Error & { field?: string; limit?: string };
    reply = { id: task.id, error: { name: error.name, message: error.message, field, limit } };
  }
  parentPort?.postMessage(reply);
});
