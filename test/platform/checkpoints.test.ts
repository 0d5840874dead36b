/**
 * Checkpoints on a thread (src/db/checkpoints.ts): the server's writes reach the database
 * file itself without any commit on the event loop doing the copy. Seen from outside: a copy
 * of the file alone, without its write-ahead log, soon holds what was written.
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { describe, expect, it } from "vitest";
import { checkpointNow, startCheckpoints } from "../../src/db/checkpoints.ts";
import { openEmbedded } from "../../src/db/embedded.ts";

const directory = mkdtempSync(join(tmpdir(), "grasrot-checkpoints-"));

/**
 * The rows of `t` in the database file alone, as a copy without its log sees them; none
 * while the table itself is only in the log, or while a checkpoint is halfway through the copy.
 */
function rowsInFileAlone(path: string, copy: string): number {
  copyFileSync(path, copy);
  const db = new Database(copy);
  try {
    return Number((db.prepare("SELECT count(*) FROM t").raw(true).all() as unknown[][])[0]?.[0]);
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

describe("checkpoints on a thread", () => {
  it("bring every commit into the database file, well before SQLite's own threshold", async () => {
    const path = join(directory, "db.db");
    const client = await openEmbedded(`file:${path}`);
    await client.execute("CREATE TABLE t (x INTEGER)");
    // Past this, the log is copied back by SQLite itself; the rows below fill far fewer pages.
    expect(Number((await client.execute("PRAGMA wal_autocheckpoint")).rows[0]?.[0])).toBe(1000);
    const checkpoints = startCheckpoints(path, 20);
    const outcomes: { log: number; checkpointed: number }[] = [];
    checkpoints.onCheckpoint((outcome) => outcomes.push(outcome));
    for (let i = 0; i < 50; i++) await client.execute({ sql: "INSERT INTO t VALUES (?)", args: [i] });
    const copy = join(directory, "copy.db");
    const whole = () => outcomes.some((outcome) => outcome.log > 0 && outcome.checkpointed === outcome.log);
    const deadline = Date.now() + 10_000;
    // The thread tells of a checkpoint by message, which may come a moment after the file holds it.
    while ((rowsInFileAlone(path, copy) < 50 || !whole()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rowsInFileAlone(path, copy)).toBe(50);
    expect(whole()).toBe(true);
    await checkpoints.stop();
    client.close();
  });

  it("checkpoint at once when asked, after a long batch, rather than at their next turn", async () => {
    const path = join(directory, "now.db");
    const client = await openEmbedded(`file:${path}`);
    await client.execute("CREATE TABLE t (x INTEGER)");
    // A turn far longer than the test: only the request can bring the checkpoint.
    const checkpoints = startCheckpoints(path, 600_000);
    const done = new Promise<{ log: number; checkpointed: number }>((resolve) =>
      checkpoints.onCheckpoint((outcome) => {
        if (outcome.log > 0) resolve(outcome);
      }),
    );
    for (let i = 0; i < 20; i++) await client.execute({ sql: "INSERT INTO t VALUES (?)", args: [i] });
    checkpointNow();
    const outcome = await done;
    expect(outcome.checkpointed).toBe(outcome.log);
    expect(rowsInFileAlone(path, join(directory, "now-copy.db"))).toBe(20);
    await checkpoints.stop();
    client.close();
  });
});
