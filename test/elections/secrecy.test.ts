import { describe, expect, it } from "vitest";
import { snapshot, testApp } from "../helpers/app.ts";
import { base, json, sha256, tokenOf, votingElection } from "./helpers.ts";

async function rows(t: Awaited<ReturnType<typeof testApp>>, sql: string, args: (string | number)[] = []) {
  return (await t.database.client.execute({ sql, args })).rows;
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
    expect(voterColumns.sort()).toEqual(["election_id", "has_voted", "member_id"]);

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

  it("stores ballots in an order unrelated to the order of voting, with random v4 ids, and nothing else changes when one is cast", async () => {
    const t = await testApp();
    const voterCount = 30;
    const { election, candidateIds, voters } = await votingElection(t, { candidates: 3, voters: voterCount });
    const [before] = await rows(t, "SELECT version, updated_at FROM elections WHERE id = ?", [election.id]);
    const hashesInVotingOrder: string[] = [];
    for (const voter of voters) {
      // Every ballot has the same content, so only its position could betray the voter.
      const receipt = await json<{ receiptHash: string }>(
        await t.request("POST", `${base(t)}/elections/${election.id}/ballots`, {
          key: await tokenOf(t, voter),
          body: { ranking: [candidateIds[0]] },
        }),
        201,
      );
      hashesInVotingOrder.push(receipt.receiptHash);
    }
    const physical = (await rows(t, "SELECT id, receipt_hash FROM ballots")).map((r) => ({
      id: String(r.id),
      hash: String(r.receipt_hash),
    }));
    expect(physical).toHaveLength(voterCount);
    const order = physical.map((row) => hashesInVotingOrder.indexOf(row.hash));
    const ascending = Array.from({ length: voterCount }, (_, i) => i);
    expect(order).not.toEqual(ascending);
    expect(order).not.toEqual([...ascending].reverse());
    for (const row of physical) expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [after] = await rows(t, "SELECT version, updated_at FROM elections WHERE id = ?", [election.id]);
    expect(after).toEqual(before);
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
