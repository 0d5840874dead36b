/**
 * The thread behind `startCheckpoints` (src/db/checkpoints.ts): its own connection to the
 * file, and a passive checkpoint every so often. Posts each checkpoint's outcome, for tests.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "libsql";

export interface CheckpointThreadData {
  path: string;
  intervalMs: number;
}

/** What one checkpoint did: frames in the write-ahead log, and how many of them are in the file now. */
export interface CheckpointOutcome {
  busy: number;
  log: number;
  checkpointed: number;
}

const { path, intervalMs } = workerData as CheckpointThreadData;
const db = new Database(path, { timeout: 0 });
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
checkpoint.raw(true);

function runCheckpoint() {
  try {
    const [busy, log, checkpointed] = ((checkpoint.all() as unknown[][])[0] ?? []).map(Number) as [number, number, number];
    parentPort?.postMessage({ busy, log, checkpointed } satisfies CheckpointOutcome);
  } catch {
    // A locked or busy file: the next turn tries again, and SQLite's own checkpoints still run on commit.
  }
}

const timer = setInterval(runCheckpoint, intervalMs);

parentPort?.on("message", (message) => {
  if (message === "now") return runCheckpoint();
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
