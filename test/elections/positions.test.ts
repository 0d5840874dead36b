import { describe, expect, it } from "vitest";
import { json, operatorKey, testApp } from "../helpers/app.ts";
import { createActiveMember } from "../helpers/members.ts";
import { base, createPosition, tokenOf } from "./helpers.ts";

interface Mandate {
  id: string;
  memberId: string;
  startsOn: string;
  endsOn: string;
  current: boolean;
  electionId: string | null;
}

describe("positions and mandates", () => {
  it("creates, reads and updates positions; members read, staff write", async () => {
    const t = await testApp();
    const group = await json<{ id: string }>(
      await t.request("POST", `${base(t)}/groups`, { body: { name: "Nätverket", kind: "network" } }),
      201,
    );
    const created = await t.request("POST", `${base(t)}/positions`, {
      body: { title: "Conveners", description: "Lead the network.", bodyGroupId: group.id, seats: 2, termMonths: 12 },
    });
    const position = await json<{ id: string; bodyGroupId: string }>(created, 201);
    expect(created.headers.get("Location")).toBe(`${base(t)}/positions/${position.id}`);
    expect(position.bodyGroupId).toBe(group.id);

    const token = await tokenOf(t, await createActiveMember(t));
    expect((await t.request("GET", `${base(t)}/positions/${position.id}`, { key: token })).status).toBe(200);
    expect((await t.request("POST", `${base(t)}/positions`, { key: token, body: { title: "x", seats: 1, termMonths: 1 } })).status).toBe(
      403,
    );

    const read = await t.request("GET", `${base(t)}/positions/${position.id}`);
    const etag = read.headers.get("ETag") as string;
    const updated = await json<{ seats: number }>(
      await t.request("PATCH", `${base(t)}/positions/${position.id}`, { body: { seats: 3 }, headers: { "If-Match": etag } }),
      200,
    );
    expect(updated.seats).toBe(3);
    expect(
      (await t.request("PATCH", `${base(t)}/positions/${position.id}`, { body: { seats: 4 }, headers: { "If-Match": etag } })).status,
    ).toBe(412);
    expect(
      (
        await t.request("POST", `${base(t)}/positions`, {
          body: { title: "x", seats: 1, termMonths: 1, bodyGroupId: "0190f1c2-0000-7000-8000-000000000000" },
        })
      ).status,
    ).toBe(422);

    const list = await json<{ data: unknown[] }>(await t.request("GET", `${base(t)}/positions?limit=1`), 200);
    expect(list.data).toHaveLength(1);

    const other = await json<{ adminKey: { secret: string } }>(
      await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } }),
      201,
    );
    expect((await t.request("GET", `/v1/orgs/other/positions/${position.id}`, { key: other.adminKey.secret })).status).toBe(404);
  });

  it("records mandates by hand, ends them early, and shows current representatives", async () => {
    const t = await testApp();
    const positionId = await createPosition(t, { termMonths: 12 });
    const [holder, successor] = [await createActiveMember(t), await createActiveMember(t)];
    const created = await t.request("POST", `${base(t)}/positions/${positionId}/mandates`, {
      body: { memberId: holder, startsOn: "2026-03-01" },
    });
    const mandate = await json<Mandate>(created, 201);
    expect(mandate).toMatchObject({ startsOn: "2026-03-01", endsOn: "2027-02-28", current: true, electionId: null });
    expect(created.headers.get("Location")).toBe(`${base(t)}/mandates/${mandate.id}`);

    // The holder steps down today; the successor takes over tomorrow.
    const ended = await json<Mandate>(
      await t.request("PATCH", `${base(t)}/mandates/${mandate.id}`, { body: { endsOn: "2026-11-21" } }),
      200,
    );
    expect(ended.endsOn).toBe("2026-11-21");
    expect((await t.request("PATCH", `${base(t)}/mandates/${mandate.id}`, { body: { endsOn: "2025-01-01" } })).status).toBe(422);
    await json(
      await t.request("POST", `${base(t)}/positions/${positionId}/mandates`, { body: { memberId: successor, startsOn: "2026-11-22" } }),
      201,
    );

    const today = await json<{ data: Mandate[] }>(await t.request("GET", `${base(t)}/positions/${positionId}/mandates?current=true`), 200);
    expect(today.data.map((m) => m.memberId)).toEqual([holder]);
    t.clock.set("2026-11-22T12:00:00Z");
    const tomorrow = await json<{ data: Mandate[] }>(
      await t.request("GET", `${base(t)}/positions/${positionId}/mandates?current=true`),
      200,
    );
    expect(tomorrow.data.map((m) => m.memberId)).toEqual([successor]);
    const all = await json<{ data: Mandate[] }>(await t.request("GET", `${base(t)}/positions/${positionId}/mandates`), 200);
    expect(all.data).toHaveLength(2);

    // Across positions: today's holders of every position, or of one.
    const otherPosition = await createPosition(t, { termMonths: 24 });
    const treasurer = await createActiveMember(t);
    await json(
      await t.request("POST", `${base(t)}/positions/${otherPosition}/mandates`, { body: { memberId: treasurer, startsOn: "2026-01-01" } }),
      201,
    );
    const holdersToday = await json<{ data: Mandate[] }>(await t.request("GET", `${base(t)}/mandates?current=true`), 200);
    expect(holdersToday.data.map((m) => m.memberId).sort()).toEqual([successor, treasurer].sort());
    const onOne = await json<{ data: Mandate[] }>(
      await t.request("GET", `${base(t)}/mandates?current=true&positionId=${otherPosition}`),
      200,
    );
    expect(onOne.data.map((m) => m.memberId)).toEqual([treasurer]);
    expect((await t.request("GET", `${base(t)}/mandates?positionId=${mandate.id}`)).status).toBe(404);

    // Staff read anyone's mandates; a member only their own.
    const ofHolder = await json<{ data: Mandate[] }>(await t.request("GET", `${base(t)}/members/${holder}/mandates`), 200);
    expect(ofHolder.data.map((m) => m.current)).toEqual([false]);
    const holderToken = await tokenOf(t, holder);
    expect((await t.request("GET", `${base(t)}/members/${holder}/mandates`, { key: holderToken })).status).toBe(200);
    expect((await t.request("GET", `${base(t)}/members/${successor}/mandates`, { key: holderToken })).status).toBe(403);
    const mine = await json<{ data: Mandate[] }>(await t.request("GET", `${base(t)}/me/mandates`, { key: holderToken }), 200);
    expect(mine.data).toHaveLength(1);
    expect(
      (
        await t.request("POST", `${base(t)}/positions/${positionId}/mandates`, {
          body: { memberId: "0190f1c2-0000-7000-8000-000000000000", startsOn: "2026-01-01" },
        })
      ).status,
    ).toBe(422);
  });
});
