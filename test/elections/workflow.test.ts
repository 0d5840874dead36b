import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";
import { activeMembers, announce, base, createPosition, day, type ElectionBody, hour, schedule, sha256, tokenOf, vote } from "./helpers.ts";

interface Candidate {
  id: string;
  memberId: string;
  status: string;
  name: string | null;
  statement: string | null;
}

interface Result {
  status: string;
  elected: { id: string; memberId: string; place: number; name: string | null }[];
  candidates: { id: string }[];
  count: { method: string; elected: string[]; rounds: unknown[]; parameters: Record<string, unknown> } | null;
  turnout: {
    electorate: number;
    votedOnline: number;
    paperBallots: number;
    ballots: number;
    blank: number;
    invalid: number;
    valid: number;
  };
  receipts: { count: number; digest: string };
  vacantSeats: number;
}

describe("an election from announcement to mandates, through the HTTP API", () => {
  it("announces, nominates, votes online and on paper, counts, publishes and creates the mandates", async () => {
    const t = await testApp();
    const url = base(t);
    const positionId = await createPosition(t, {
      title: "Board",
      description: "Runs the association between meetings.",
      seats: 2,
      termMonths: 24,
    });
    const [anna, bertil, cecilia, david, erik, frida] = await activeMembers(t, 6);
    const voters = await activeMembers(t, 8);
    const today = t.clock.now().toISOString().slice(0, 10);

    // A committee group whose member sets the proposal with her own token.
    const committee = await json<{ id: string }>(
      await t.request("POST", `${url}/groups`, { body: { name: "Valberedningen", kind: "committee" } }),
      201,
    );
    const committeeMember = await createActiveMember(t);
    await json(await t.request("POST", `${url}/groups/${committee.id}/members`, { body: { memberId: committeeMember } }), 201);

    // Staff create the election: a draft, invisible to members.
    const created = await json<ElectionBody>(
      await t.request("POST", `${url}/elections`, {
        body: {
          positionId,
          method: "scottish_stv",
          electorate: { cutoffOn: today },
          committeeGroupId: committee.id,
          ...schedule(t),
        },
      }),
      201,
    );
    expect(created).toMatchObject({ status: "draft", seats: 2, title: "Board", timeZone: "Europe/Stockholm" });
    expect(created.seed).toMatch(/^[0-9A-Za-z]{32}$/);
    const id = created.id;
    expect((await t.request("GET", `${url}/elections/${id}`, { key: await tokenOf(t, anna as string) })).status).toBe(404);

    // Announced: nominations open.
    await announce(t, id);
    const annaCandidate = await json<Candidate>(
      await t.request("POST", `${url}/elections/${id}/candidates`, {
        key: await tokenOf(t, anna as string),
        body: { statement: "Ten years in the local group." },
      }),
      201,
    );
    expect(annaCandidate.status).toBe("accepted");

    // David nominates Bertil, who accepts, and Cecilia, who declines.
    const davidToken = await tokenOf(t, david as string);
    const bertilNomination = await json<Candidate>(
      await t.request("POST", `${url}/elections/${id}/candidates`, { key: davidToken, body: { memberId: bertil } }),
      201,
    );
    expect(bertilNomination.status).toBe("proposed");
    const ceciliaNomination = await json<Candidate>(
      await t.request("POST", `${url}/elections/${id}/candidates`, { key: davidToken, body: { memberId: cecilia } }),
      201,
    );
    // Only the nominee answers.
    expect((await t.request("POST", `${url}/elections/${id}/candidates/${bertilNomination.id}/accept`, { key: davidToken })).status).toBe(
      403,
    );
    const bertilToken = await tokenOf(t, bertil as string);
    const accepted = await json<Candidate>(
      await t.request("POST", `${url}/elections/${id}/candidates/${bertilNomination.id}/accept`, { key: bertilToken }),
      200,
    );
    expect(accepted.status).toBe("accepted");
    await json(
      await t.request("PATCH", `${url}/elections/${id}/candidates/${bertilNomination.id}`, {
        key: bertilToken,
        body: { statement: "Treasurer before." },
      }),
      200,
    );
    expect(
      (
        await json<Candidate>(
          await t.request("POST", `${url}/elections/${id}/candidates/${ceciliaNomination.id}/decline`, {
            key: await tokenOf(t, cecilia as string),
          }),
          200,
        )
      ).status,
    ).toBe("declined");

    // Erik stands and withdraws; staff enter Frida, who agreed in the room.
    const erikToken = await tokenOf(t, erik as string);
    const erikCandidate = await json<Candidate>(
      await t.request("POST", `${url}/elections/${id}/candidates`, { key: erikToken, body: {} }),
      201,
    );
    expect(
      (
        await json<Candidate>(
          await t.request("POST", `${url}/elections/${id}/candidates/${erikCandidate.id}/withdraw`, { key: erikToken }),
          200,
        )
      ).status,
    ).toBe("withdrawn");
    const fridaCandidate = await json<Candidate>(
      await t.request("POST", `${url}/elections/${id}/candidates`, { body: { memberId: frida, accepted: true } }),
      201,
    );

    // The nominating committee proposes Anna and Frida, in that order, with reasons.
    const proposal = await json<{ entries: { place: number; memberId: string; candidateStatus: string; reason: string }[] }>(
      await t.request("PUT", `${url}/elections/${id}/proposal`, {
        key: await tokenOf(t, committeeMember),
        body: {
          entries: [
            { memberId: anna, reason: "Experience." },
            { memberId: frida, reason: "Renewal." },
          ],
        },
      }),
      200,
    );
    expect(proposal.entries.map((e) => [e.place, e.memberId, e.candidateStatus])).toEqual([
      [1, anna, "accepted"],
      [2, frida, "accepted"],
    ]);
    // Someone not on the committee cannot.
    expect((await t.request("PUT", `${url}/elections/${id}/proposal`, { key: davidToken, body: { entries: [] } })).status).toBe(403);

    // A member sees the candidates standing, the withdrawal and the proposal, not Cecilia's declined nomination.
    const seen = await json<ElectionBody & { candidates: Candidate[]; proposal: unknown[] }>(
      await t.request("GET", `${url}/elections/${id}`, { key: await tokenOf(t, voters[0] as string) }),
      200,
    );
    // Ids made in one millisecond (the test clock stands still) do not sort by creation: compare as sets.
    expect(seen.candidates.map((c) => `${c.memberId} ${c.status}`).sort()).toEqual(
      [`${anna} accepted`, `${bertil} accepted`, `${erik} withdrawn`, `${frida} accepted`].sort(),
    );
    expect(seen.proposal).toHaveLength(2);
    expect(seen.seed).toBeNull();

    // The nomination period closes by time.
    t.clock.set(seen.nomination.closesAt);
    const late = await t.request("POST", `${url}/elections/${id}/candidates`, { key: await tokenOf(t, cecilia as string), body: {} });
    expect(late.status).toBe(409);
    expect((await problemOf(late)).detail).toContain(`closed on ${seen.nomination.closesAt}`);

    // Voting opens by time: the first read after it finds the election open.
    t.clock.set(seen.voting.opensAt);
    t.clock.advance(hour);
    const open = await json<ElectionBody>(await t.request("GET", `${url}/elections/${id}`), 200);
    expect(open.status).toBe("voting");
    // Withdrawal is over once voting opens.
    expect(
      (await t.request("POST", `${url}/elections/${id}/candidates/${annaCandidate.id}/withdraw`, { key: await tokenOf(t, anna as string) }))
        .status,
    ).toBe(409);

    // Eight members vote online; every one gets a receipt.
    const ballots: string[][] = [
      [annaCandidate.id, fridaCandidate.id],
      [annaCandidate.id, bertilNomination.id],
      [bertilNomination.id, annaCandidate.id],
      [fridaCandidate.id],
      [annaCandidate.id],
      [fridaCandidate.id, annaCandidate.id],
      [bertilNomination.id],
      [],
    ];
    const codes: string[] = [];
    for (const [i, voter] of voters.entries()) {
      const receipt = await json<{ receiptCode: string; receiptHash: string }>(await vote(t, id, voter, ballots[i] as string[]), 201);
      expect(await sha256(receipt.receiptCode)).toBe(receipt.receiptHash);
      codes.push(receipt.receiptCode);
    }
    const status = await json<{ inElectorate: boolean; hasVoted: boolean }>(
      await t.request("GET", `${url}/elections/${id}/voter`, { key: await tokenOf(t, voters[0] as string) }),
      200,
    );
    expect(status).toEqual({ inElectorate: true, hasVoted: true, reason: null });

    // The meeting's paper ballots: JSON, then a BLT file naming candidates by id.
    const paper = await json<{ batchId: string; rows: number; papers: number }>(
      await t.request("POST", `${url}/elections/${id}/paper-ballots`, {
        body: { ballots: [{ weight: 3, ranking: [fridaCandidate.id, bertilNomination.id] }, { ranking: [annaCandidate.id] }] },
      }),
      201,
    );
    expect(paper).toMatchObject({ rows: 2, papers: 4 });
    const blt = [
      "3 2",
      "2 1 2 0",
      "1 3 0",
      "0",
      `"${annaCandidate.id}"`,
      `"${bertilNomination.id}"`,
      `"${fridaCandidate.id}"`,
      '"Board, paper ballots, table 2"',
    ].join("\n");
    const fromBlt = await json<{ papers: number }>(
      await t.request("POST", `${url}/elections/${id}/paper-ballots`, { body: blt, headers: { "Content-Type": "text/plain" } }),
      201,
    );
    expect(fromBlt.papers).toBe(3);

    // Voting closes by time, and the election is counted at once.
    t.clock.set(open.voting.closesAt);
    const closed = await json<ElectionBody>(await t.request("GET", `${url}/elections/${id}`), 200);
    expect(closed.status).toBe("counted");

    // Staff see the result; members not before it is published.
    const result = await json<Result>(await t.request("GET", `${url}/elections/${id}/result`), 200);
    expect(result.elected.map((e) => e.memberId).sort()).toEqual([anna, frida].sort());
    expect(result.count?.method).toBe("scottish_stv");
    expect(result.count?.rounds.length).toBeGreaterThan(0);
    expect(result.count?.parameters.seed).toBe(created.seed);
    expect(result.candidates.map((c) => c.id).sort()).toEqual([annaCandidate.id, bertilNomination.id, fridaCandidate.id].sort());
    // 15 active members plus the committee member, all current on the cut-off day.
    expect(result.turnout).toMatchObject({ electorate: 15, votedOnline: 8, paperBallots: 7, ballots: 15, blank: 1, invalid: 0, valid: 14 });
    expect(result.receipts.count).toBe(8);
    const memberView = await t.request("GET", `${url}/elections/${id}/result`, { key: await tokenOf(t, voters[1] as string) });
    expect(memberView.status).toBe(409);
    expect((await problemOf(memberView)) as unknown).toMatchObject({ reason: "result_not_published" });

    // Published: the mandates exist, starting on the day given, for the position's 24 months.
    const published = await json<Result>(
      await t.request("POST", `${url}/elections/${id}/publish`, { body: { termStartsOn: "2027-01-01" } }),
      200,
    );
    expect(published.status).toBe("published");
    const mandates = await json<{
      data: { memberId: string; startsOn: string; endsOn: string; electionId: string; place: number; current: boolean }[];
    }>(await t.request("GET", `${url}/positions/${positionId}/mandates`), 200);
    expect(mandates.data.map((m) => [m.memberId, m.startsOn, m.endsOn, m.electionId]).sort()).toEqual(
      [
        [anna, "2027-01-01", "2028-12-31", id],
        [frida, "2027-01-01", "2028-12-31", id],
      ].sort(),
    );
    expect(mandates.data.map((m) => m.place).sort()).toEqual([1, 2]);

    // Once the term starts they are the position's current representatives.
    t.clock.set("2027-01-02T12:00:00Z");
    const current = await json<{ data: { memberId: string }[] }>(
      await t.request("GET", `${url}/positions/${positionId}/mandates?current=true`),
      200,
    );
    expect(current.data.map((m) => m.memberId).sort()).toEqual([anna, frida].sort());
    const position = await json<{ holders: { memberId: string }[] }>(await t.request("GET", `${url}/positions/${positionId}`), 200);
    expect(position.holders).toHaveLength(2);
    const mine = await json<{ data: { positionTitle: string; current: boolean }[] }>(
      await t.request("GET", `${url}/me/mandates`, { key: await tokenOf(t, anna as string) }),
      200,
    );
    expect(mine.data).toMatchObject([{ positionTitle: "Board", current: true }]);

    // Members now see the result, and every voter finds their receipt, without signing in.
    const forMembers = await json<Result>(
      await t.request("GET", `${url}/elections/${id}/result`, { key: await tokenOf(t, voters[2] as string) }),
      200,
    );
    expect(forMembers.elected).toHaveLength(2);
    const listed = await json<{ data: { hash: string }[] }>(
      await t.request("GET", `${url}/elections/${id}/receipts?limit=200`, { key: null }),
      200,
    );
    const hashes = listed.data.map((r) => r.hash);
    expect(hashes).toEqual([...hashes].sort());
    for (const code of codes) {
      const hash = await sha256(code);
      expect(hashes).toContain(hash);
      expect((await t.request("GET", `${url}/elections/${id}/receipts/${hash}`, { key: null })).status).toBe(200);
    }
    expect(await sha256(hashes.join("\n"))).toBe(forMembers.receipts.digest);
    expect((await t.request("GET", `${url}/elections/${id}/receipts/${"0".repeat(64)}`, { key: null })).status).toBe(404);
    // Published is final.
    expect((await t.request("POST", `${url}/elections/${id}/transitions`, { body: { to: "counted" } })).status).toBe(409);
    expect(t.clock.now().getTime()).toBeGreaterThan(new Date(open.voting.closesAt).getTime() + day);
  });
});
