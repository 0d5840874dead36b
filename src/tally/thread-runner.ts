/**
 * The Node runtime's CountRunner: counts estimated above INLINE_WORK (about 50 ms) run
 * in a small pool of worker threads, one count per thread at a time, the rest waiting in
 * line; smaller ones run in line, where a thread's round trip would cost more than the
 * count. A large POST /v1/tally body is sent as its text and read in the thread too
 * (countTallyJson, countTallyBlt). Node only (src/server.ts, tests, benchmarks): the Worker bundle never imports it.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CountLimitError } from "../voting/limits.ts";
import { type CountInput, CountInputError, type CountResult } from "../voting/types.ts";
import type { CountReply, CountTask } from "./count-thread.ts";
import { type CountRunner, inlineCounter, isSmallCount, type TallyJsonOutcome } from "./runner.ts";

export interface ThreadCounter extends CountRunner {
  /** Counts in a thread whatever its size (for tests and benchmarks). */
  countInThread(input: CountInput): Promise<CountResult>;
  countTallyJson(text: string, detail: CountInput["detail"]): Promise<TallyJsonOutcome>;
  countTallyBlt(text: string, query: Record<string, string>, detail: CountInput["detail"]): Promise<CountResult>;
  /** Stops the threads; counts still waiting are refused. */
  close(): Promise<void>;
}

export interface ThreadCounterOptions {
  /** Threads in the pool (default: one, or two on a machine with four cores or more). */
  threads?: number;
  /** Heap of each thread in MB: a runaway count stops its thread, never the server. */
  maxHeapMb?: number;
}

interface Pending {
  task: CountTask;
  resolve(outcome: TallyJsonOutcome): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

const threadUrl = new URL("./count-thread.ts", import.meta.url);

/** An error as the thread described it, rebuilt so handlers can tell the input's fault from a defect. */
function rebuild(error: Extract<CountReply, { error: unknown }>["error"]): Error {
  if (error.name === "CountLimitError") return new CountLimitError(error.message, error.field ?? "body", error.limit ?? "work");
  if (error.name === "CountInputError") return new CountInputError(error.message, error.field);
  if (error.name === "RangeError") return new RangeError(error.message);
  return new Error(`counting thread: ${error.message}`);
}

export function createThreadCounter(options: ThreadCounterOptions = {}): ThreadCounter {
  const size = Math.max(1, options.threads ?? (availableParallelism() >= 4 ? 2 : 1));
  const maxHeapMb = options.maxHeapMb ?? 1024;
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(threadUrl, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
    const slot: Slot = { worker, busy: null };
    worker.unref();
    worker.on("message", (reply: CountReply) => {
      const pending = slot.busy;
      if (!pending || pending.task.id !== reply.id) return;
      slot.busy = null;
      worker.unref();
      if ("error" in reply) pending.reject(rebuild(reply.error));
      else if ("unread" in reply) pending.resolve(reply.unread);
      else pending.resolve({ result: reply.result as CountResult });
      dispatch();
    });
    // A thread that dies (out of memory, a crash) fails its count alone and is replaced on demand.
    const lost = (error: Error) => {
      const index = slots.indexOf(slot);
      if (index !== -1) slots.splice(index, 1);
      const pending = slot.busy;
      slot.busy = null;
      pending?.reject(new Error(`the counting thread stopped: ${error.message}`));
      if (!closed) dispatch();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`exit code ${code}`)));
    slots.push(slot);
    return slot;
  };

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => s.busy === null) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const pending = queue.shift() as Pending;
      slot.busy = pending;
      // A thread with a count keeps the process alive until the answer is in; an idle one does not.
      slot.worker.ref();
      slot.worker.postMessage(pending.task);
    }
  }

  const inThread = (task: Omit<CountTask, "id">) =>
    new Promise<TallyJsonOutcome>((resolve, reject) => {
      if (closed) {
        reject(new Error("the counting threads are closed"));
        return;
      }
      queue.push({ task: { id: nextId++, ...task } as CountTask, resolve, reject });
      dispatch();
    });

  /** A task whose answer is a count (only a JSON body can come back unread). */
  const countedInThread = async (task: Omit<CountTask, "id">) => {
    const outcome = await inThread(task);
    if (!("result" in outcome)) throw new Error("counting thread: answered a count as an unread body");
    return outcome.result;
  };
  const countInThread = (input: CountInput) => countedInThread({ input });

  return {
    offThread: true,
    async count(input) {
      // Sized here first: a count over the limits is refused without a thread, a small one runs in line.
      return isSmallCount(input) ? inlineCounter.count(input) : countInThread(input);
    },
    countInThread,
    // The body goes as text, read in the thread: parsing, validating and copying a million ballots
    // across would each hold the event loop for a large part of a second.
    countTallyJson: (text, detail) => inThread({ tallyJson: text, detail }),
    countTallyBlt: (text, query, detail) => countedInThread({ tallyBlt: text, query, detail }),
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error("the counting threads are closed"));
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}
