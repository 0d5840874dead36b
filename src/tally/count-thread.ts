/**
 * A worker thread of thread-runner.ts: counts what it is sent and answers with the
 * result, or with the error as plain data (an Error's class does not cross threads).
 * A task is either the engine's input, or the text of a POST /v1/tally body (JSON or BLT),
 * which the thread reads itself (json-body.ts, input.ts) so that parsing and validating a
 * large body stay off the event loop too; a JSON body that cannot be read is answered with why.
 * It runs from this TypeScript source, under tsx as under Node's own type stripping,
 * so the engine it imports uses only erasable TypeScript.
 */
import { parentPort } from "node:worker_threads";
import { count } from "../voting/index.ts";
import type { CountInput } from "../voting/types.ts";
import { inputFromBlt } from "./input.ts";
import { readTallyJson, type TallyJsonReading } from "./json-body.ts";

export type CountTask =
  | { id: number; input: CountInput }
  | { id: number; tallyJson: string; detail: CountInput["detail"] }
  | { id: number; tallyBlt: string; query: Record<string, string>; detail: CountInput["detail"] };

export type CountReply =
  | { id: number; result: unknown }
  | { id: number; unread: Exclude<TallyJsonReading, { input: CountInput }> }
  | { id: number; error: { name: string; message: string; field?: string; limit?: string } };

function answer(task: CountTask): CountReply {
  if ("input" in task) return { id: task.id, result: count(task.input) };
  if ("tallyBlt" in task) return { id: task.id, result: count({ ...inputFromBlt(task.tallyBlt, task.query), detail: task.detail }) };
  const reading = readTallyJson(task.tallyJson, task.detail);
  if (!("input" in reading)) return { id: task.id, unread: reading };
  return { id: task.id, result: count(reading.input) };
}

parentPort?.on("message", (task: CountTask) => {
  let reply: CountReply;
  try {
    reply = answer(task);
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const { field, limit } = error as Error & { field?: string; limit?: string };
    reply = { id: task.id, error: { name: error.name, message: error.message, field, limit } };
  }
  parentPort?.postMessage(reply);
});
