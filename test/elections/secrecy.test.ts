import { describe, expect, it } from "vitest";
import { json, snapshot, testApp } from "../helpers/app.ts";
import { type Cell, cellOf, type FileImage, neighboursInTime, occurrences, readImage, treePages } from "./file-layout.ts";
import { base, sha256, tokenOf, votingElection } from "./helpers.ts";

type T = Awaited<ReturnType<typeof testApp>>;

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function rows(t: T, sql: string, args: (string | number)[] = []) {
  return (await t.database.client.execute({ sql, args })).rows;
}

/** Every ballot has the same content, so only its place in the file could betray the voter. Returns the receipt hash. */
async function castSame(t: T, electionId: string, voter: string, candidateId: string): Promise<string> {
  const receipt = await json<{ receiptHash: string }>(
    await t.request("POST", `${base(t)}/elections/${electionId}/ballots`, {
      key: await tokenOf(t, voter),
      body: { ranking: [candidateId] },
    }),
    201,
  );
  return receipt.receiptHash;
}

/**
 * How far the places of ballots in the file follow the order of voting: of the ballots
 * (by receipt hash, each group in voting order) that sit side by side in a page of the
 * table or of its receipt index, the share cast one right after the other. The trees are
 * found from their root pages, and the cells by their bytes, as a reader of the file would.
 */
async function orderInFile(t: T, image: FileImage, groups: string[][]) {
  const roots = await rows(t, "SELECT name, rootpage FROM sqlite_master WHERE name IN ('ballots', 'ballots_receipt_idx')");
  expect(roots).toHaveLength(2);
  let close = 0;
  let pairs = 0;
  for (const root of roots) {
    const pages = treePages(image, Number(root.rootpage));
    for (const hashes of groups) {
      const cells = hashes.map((hash) => cellOf(image, pages, hash));
      expect(cells.every((cell) => cell !== null)).toBe(true);
      const found = neighboursInTime(cells as Cell[], 1);
      close += found.share * found.pairs;
      pairs += found.pairs;
    }
  }
  return { share: close / pairs, pairs };
}

describe("no link between ballots and voters", () => {
  it("keeps ballots in a WITHOUT ROWID table with no voter, no time, and nothing pointing at them", async () => {
    const t = await testApp();
    const [table] = await rows(t, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ballots'");
    expect(String(table?.sql)).toMatch(/WITHOUT ROWID\s*$/i);
    await expect(t.database.client.execute("SELECT rowid FROM ballots")).rejects.toThrow(/rowid/i);

    const columns = (await rows(t, "SELECT name FROM pragma_table_info('ballots')")).map((r) => String(r.name));
    expect(columns.sort()).toEqual(["batch_id", "election_id", "id", "ranking", "receipt_hash", "source", "weight"]);
    const keys = (await rows(t, "SELECT name, pk FROM pragma_table_info('ballots') WHERE pk > 0 ORDER BY pk")).map((r) => String(r.name));
    expect(keys).toEqual(["election_id", "id"]);
    const ballotRefs = (await rows(t, "SELECT \"table\" FROM pragma_foreign_key_list('ballots')")).map((r) => String(r.table));
    expect(ballotRefs).toEqual(["elections"]);

    // The electorate keeps who voted, never when or what.
    const voterColumns = (await rows(t, "SELECT name FROM pragma_table_info('election_voters')")).map((r) => String(r.name));
    expect(voterColumns.sort()).toEqual(["election_id", "has_voted", "member_id", "voted_on_paper"]);

    // No table refers to ballots, and no other table has a column that could hold a ballot id or receipt.
    const tables = (await rows(t, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((r) =>
      String(r.name),
    );
    for (const name of tables) {
      const references = (await rows(t, `SELECT "table" FROM pragma_foreign_key_list('${name}')`)).map((r) => String(r.table));
      expect(references, name).not.toContain("ballots");
      if (name === "ballots") continue;
      const names = (await rows(t, `SELECT name FROM pragma_table_info('${name}')`)).map((r) => String(r.name));
      expect(
        names.filter((n) => /ballot|receipt/.test(n)),
        name,
      ).toEqual([]);
    }
  });

  it("leaves a closed poll's ballots in the file in an order unrelated to the order of voting, with no earlier copy anywhere", async () => {
    // A poll in the room: few enough ballots that each tree keeps them in one page, where
    // cast order shows most plainly (side by side, one after the other). Three polls, each
    // on its own database.
    const voterCount = 16;
    const polls: { t: T; image: FileImage; hashes: string[]; idsWhileOpen: string[]; electionId: string; candidateId: string }[] = [];
    for (let poll = 0; poll < 3; poll++) {
      const t = await testApp();
      const { election, candidateIds, voters } = await votingElection(t, { candidates: 3, voters: voterCount });
      const hashes: string[] = [];
      for (const voter of voters) hashes.push(await castSame(t, election.id, voter, candidateIds[0] as string));
      const idsWhileOpen = (await rows(t, "SELECT id FROM ballots")).map((r) => String(r.id));
      expect(idsWhileOpen).toHaveLength(voterCount);
      await json(await t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { body: { to: "closed" } }), 200);
      const image = readImage(t.database.path);
      polls.push({ t, image, hashes, idsWhileOpen, electionId: election.id, candidateId: candidateIds[0] as string });
    }

    // In cast order nearly every pair of neighbours in a page was cast one right after the
    // other; in random order about one in eight (2/16).
    let close = 0;
    let pairs = 0;
    for (const { t, image, hashes } of polls) {
      const found = await orderInFile(t, image, [hashes]);
      close += found.share * found.pairs;
      pairs += found.pairs;
    }
    expect(pairs).toBeGreaterThan(60);
    expect(close / pairs).toBeLessThan(0.5);

    for (const { t, image, hashes, idsWhileOpen, electionId, candidateId } of polls) {
      // Each receipt hash once in the table and once in its index; the rows as they were while voting was open are gone.
      for (const hash of hashes) expect(occurrences(image, hash), hash).toBe(2);
      for (const id of idsWhileOpen) expect(occurrences(image, id), id).toBe(0);
      const stored = await rows(t, "SELECT id, ranking FROM ballots WHERE election_id = ?", [electionId]);
      expect(stored).toHaveLength(voterCount);
      for (const row of stored) {
        expect(String(row.id)).toMatch(uuidV4);
        expect(JSON.parse(String(row.ranking))).toEqual([candidateId]);
      }
    }
  }, 120_000);

  it("writes ballots cast while voting is open in shuffled batches of 32, with no earlier copy, and nothing else changes when one is cast", async () => {
    const t = await testApp();
    const batch = 32;
    const voterCount = batch + 3;
    const { election, candidateIds, voters } = await votingElection(t, { candidates: 3, voters: voterCount });
    const [before] = await rows(t, "SELECT version, updated_at FROM elections WHERE id = ?", [election.id]);
    const cast: { hash: string; firstId: string }[] = [];
    for (const voter of voters) {
      const hash = await castSame(t, election.id, voter, candidateIds[0] as string);
      const [row] = await rows(t, "SELECT id FROM ballots WHERE receipt_hash = ?", [hash]);
      cast.push({ hash, firstId: String(row?.id) });
    }
    const stored = await rows(t, "SELECT id, receipt_hash FROM ballots WHERE election_id = ?", [election.id]);
    expect(stored).toHaveLength(voterCount);

    const image = readImage(t.database.path);
    const written = cast.slice(0, batch);
    const idNow = new Map(stored.map((r) => [String(r.receipt_hash), String(r.id)]));
    // Written again, elsewhere, under new ids (the last one of the batch at once, in its own cast); the first copies are gone.
    const moved = written.filter(({ hash, firstId }) => idNow.get(hash) !== firstId);
    expect(moved.length).toBeGreaterThanOrEqual(batch - 1);
    // The database file holds each written ballot once in the table and once in its index; the
    // log may hold newer versions of the same pages (casts after the batch), never the first copies.
    const fileOnly = { ...image, bytes: image.main };
    for (const { hash, firstId } of written) {
      expect(idNow.get(hash)).toMatch(uuidV4);
      expect(occurrences(fileOnly, hash), hash).toBe(2);
      if (idNow.get(hash) !== firstId) expect(occurrences(image, firstId), firstId).toBe(0);
    }
    // The last three wait for the next batch (or the close).
    for (const { hash, firstId } of cast.slice(batch)) expect(idNow.get(hash)).toBe(firstId);
    const { share, pairs } = await orderInFile(t, image, [written.map(({ hash }) => hash)]);
    expect(pairs).toBeGreaterThan(10);
    expect(share).toBeLessThan(0.5);
    const [after] = await rows(t, "SELECT version, updated_at FROM elections WHERE id = ?", [election.id]);
    expect(after).toEqual(before);
  }, 120_000);

  it("closes a poll and rewrites its ballots in one transaction: an interrupted rewrite leaves the poll open and its ballots as they were", async () => {
    const t = await testApp();
    const { election, candidateIds, voters } = await votingElection(t, { candidates: 3, voters: 5 });
    for (const voter of voters) await castSame(t, election.id, voter, candidateIds[1] as string);
    const stored = async () => (await rows(t, "SELECT * FROM ballots ORDER BY id")).map((r) => JSON.stringify(r));
    const whileOpen = await stored();
    // A failure in the middle of the rewrite, after the poll was marked closed and the ballots moved.
    await t.database.client.execute(`CREATE TRIGGER interrupt BEFORE INSERT ON ballots WHEN new.id NOT LIKE 'pending:%'
      BEGIN SELECT RAISE(ABORT, 'interrupted'); END`);
    const close = () => t.request("POST", `${base(t)}/elections/${election.id}/transitions`, { body: { to: "closed" } });
    expect((await close()).ok).toBe(false);
    expect((await json<{ status: string }>(await t.request("GET", `${base(t)}/elections/${election.id}`), 200)).status).toBe("voting");
    expect(await stored()).toEqual(whileOpen);

    await t.database.client.execute("DROP TRIGGER interrupt");
    expect((await json<{ status: string }>(await close(), 200)).status).toBe("closed");
    const sealed = await stored();
    expect(sealed).toHaveLength(whileOpen.length);
    expect(sealed.some((row) => whileOpen.includes(row))).toBe(false);
    const receipts = (await rows(t, "SELECT receipt_hash FROM ballots ORDER BY receipt_hash")).map((r) => String(r.receipt_hash));
    const receiptsWhileOpen = whileOpen.map((row) => String(JSON.parse(row).receipt_hash)).sort();
    expect(receipts).toEqual(receiptsWhileOpen);
  });

  it("keeps no copy of the receipt code anywhere, even when the client sends an Idempotency-Key", async () => {
    const t = await testApp();
    const { election, candidateIds, voters } = await votingElection(t, { candidates: 2, voters: 1 });
    const voter = voters[0] as string;
    const response = await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, {
      key: await tokenOf(t, voter),
      body: { ranking: [candidateIds[1]] },
      headers: { "Idempotency-Key": "vote-once" },
    });
    const receipt = await json<{ receiptCode: string; receiptHash: string }>(response, 201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await sha256(receipt.receiptCode)).toBe(receipt.receiptHash);
    const everything = await snapshot(t.database);
    expect(everything).not.toContain(receipt.receiptCode);
    expect((await rows(t, "SELECT count(*) AS n FROM idempotency_keys"))[0]?.n).toBe(0);
    // A retry is told the truth rather than replayed.
    const retry = await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, {
      key: await tokenOf(t, voter),
      body: { ranking: [candidateIds[1]] },
      headers: { "Idempotency-Key": "vote-once" },
    });
    expect(retry.status).toBe(409);
  });
});
