/**
 * A range's merged series occurrences are kept by the process while the series stay as
 * stored (src/events/series-windows.ts): every page of the range, after any cursor, is what
 * expanding the series afresh would list; a change is seen by the next read; each caller
 * sees only the series it may see, whoever's read kept the range; and a range too busy to
 * keep whole is listed in full all the same.
 */
import { describe, expect, it } from "vitest";
import { json, type TestApp, testApp } from "../helpers/app.ts";
import { castOfCallers, expectSeen, idsOfPage, type Labels } from "../helpers/permission-matrix.ts";
import { recordStatements } from "../helpers/statements.ts";
import { allPages, createEvent, type OccurrenceBody, range } from "./helpers.ts";

const january = range("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z");
const tuesdays = { startsAt: "2026-12-01T17:00:00Z", endsAt: "2026-12-01T19:00:00Z", recurrence: { rrule: "FREQ=WEEKLY" } };

/** In the listing's order: by start, then occurrence id. */
function inOrder(list: OccurrenceBody[]): boolean {
  return list.every((o, i) => {
    const before = list[i - 1];
    return !before || before.startsAt < o.startsAt || (before.startsAt === o.startsAt && before.occurrenceId < o.occurrenceId);
  });
}

const lines = (list: OccurrenceBody[]) => list.map((o) => `${o.title} ${o.startsAt} ${o.status}${o.moved ? " moved" : ""}`);

/** Counts the statements that read overrides for a range: what expanding a range reads besides the kept series. */
function countOverrideReads(t: TestApp): () => number {
  const reads = recordStatements(t, (sql) =>
    /from "event_occurrence_overrides" where \("event_occurrence_overrides"."event_id" IN/.test(sql),
  );
  return () => reads.length;
}

describe("a kept range of series occurrences", () => {
  it("pages as one list, sees moved, cancelled, added and deleted occurrences at the next read, and is expanded once meanwhile", async () => {
    const t = await testApp();
    const a = await createEvent(t, { ...tuesdays, title: "A" });
    const b = await createEvent(t, { ...tuesdays, title: "B" });
    const whole = async () =>
      (await json<{ data: OccurrenceBody[] }>(await t.request("GET", `/v1/orgs/demo/events?${january}&limit=200`), 200)).data;
    const paged = () => allPages(t, `/v1/orgs/demo/events?${january}&limit=3`);
    const reads = countOverrideReads(t);

    const before = await paged();
    expect(before).toHaveLength(8);
    expect(inOrder(before)).toBe(true);
    expect(before).toEqual(await whole());
    // The range was expanded by its first page; its other pages and the whole of it are read from what was kept.
    expect(reads()).toBe(1);

    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${b.id}/occurrences/2027-01-12T17:00:00Z`, { body: { status: "cancelled" } }),
      200,
    );
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${a.id}/occurrences/2027-01-19T17:00:00Z`, {
        body: { startsAt: "2027-01-06T09:00:00Z", endsAt: "2027-01-06T10:00:00Z" },
      }),
      200,
    );
    const changed = await paged();
    expect(changed).toEqual(await whole());
    expect(inOrder(changed)).toBe(true);
    expect(lines(changed).filter((line) => !line.endsWith("scheduled"))).toEqual([
      "A 2027-01-06T09:00:00.000Z scheduled moved",
      "B 2027-01-12T17:00:00.000Z cancelled",
    ]);
    expect(lines(changed).filter((line) => line.startsWith("A 2027-01-19"))).toEqual([]);

    const added = await createEvent(t, { ...tuesdays, title: "C", recurrence: { rrule: "FREQ=WEEKLY;COUNT=7" } });
    expect(lines(await paged()).filter((line) => line.startsWith("C "))).toEqual([
      "C 2027-01-05T17:00:00.000Z scheduled",
      "C 2027-01-12T17:00:00.000Z scheduled",
    ]);
    expect((await t.request("DELETE", `/v1/orgs/demo/events/${added.id}`)).status).toBe(204);
    expect(await paged()).toEqual(changed);
  });

  it("shows each caller only the series it may see, whoever's read kept the range", async () => {
    const cast = await castOfCallers();
    const { t, group, otherGroup } = cast;
    const series = async (label: string, fields: Record<string, unknown>) =>
      [
        (await createEvent(t, { title: label, ...tuesdays, startsAt: "2026-11-24T17:00:00Z", endsAt: "2026-11-24T19:00:00Z", ...fields }))
          .id,
        label,
      ] as const;
    const labels: Labels = Object.fromEntries([
      await series("public", { visibility: "public" }),
      await series("members", { visibility: "members" }),
      await series("group", { visibility: "group", groupId: group }),
      await series("other group", { visibility: "group", groupId: otherGroup }),
    ]);
    const path = `/v1/orgs/demo/events?${range("2026-11-21T00:00:00Z", "2026-11-28T23:59:59Z")}`;
    // The admin's read keeps the range with every series in it.
    expect((await json<{ data: unknown[] }>(await t.request("GET", path), 200)).data).toHaveLength(4);
    const all = ["public", "members", "group", "other group"];
    await expectSeen(cast, labels, (key) => t.request("GET", path, { key }), idsOfPage(), {
      anonymous: ["public"],
      readonly: all,
      admin: all,
      otherOrgAdmin: 404,
      convener: ["public", "members", "group"],
      groupMember: ["public", "members", "group"],
      otherMember: ["public", "members", "other group"],
      lapsedMember: ["public"],
      noneMember: ["public"],
    });
  });

  it("lists a range too busy to keep whole in full, moved occurrences included, page after page", async () => {
    const t = await testApp();
    const everyDay = {
      startsAt: "2027-01-01T17:00:00Z",
      endsAt: "2027-01-01T18:00:00Z",
      recurrence: { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU" },
    };
    const created = [];
    for (let i = 0; i < 25; i++) created.push(await createEvent(t, { ...everyDay, title: `Daily ${i}` }));
    const last = created[24] as { id: string };
    await json(
      await t.request("PUT", `/v1/orgs/demo/events/${last.id}/occurrences/2027-12-20T17:00:00Z`, {
        body: { startsAt: "2027-12-21T06:00:00Z", endsAt: "2027-12-21T07:00:00Z" },
      }),
      200,
    );
    const year = await allPages(t, `/v1/orgs/demo/events?${range("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z")}&limit=200`);
    // 25 series, every day of 2027: more than a range keeps whole.
    expect(year).toHaveLength(25 * 365);
    expect(new Set(year.map((o) => o.occurrenceId)).size).toBe(year.length);
    expect(inOrder(year)).toBe(true);
    expect(lines(year.filter((o) => o.moved))).toEqual(["Daily 24 2027-12-21T06:00:00.000Z scheduled moved"]);
    expect(year.filter((o) => o.id === last.id && o.startsAt.startsWith("2027-12-20"))).toEqual([]);
  });
});
