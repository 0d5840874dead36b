import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/voting/lot.ts";
import { json, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType } from "../helpers/members.ts";

/**
 * Reads work out each status and membership from the person's periods in JavaScript; the
 * `status` and `typeId` filters work them out in SQL. Whatever periods a member has, the
 * list, the single read and both filters must say the same on any day.
 */

const members = "/v1/orgs/demo/members";
type Listed = { id: string; status: string; membership: { id: string; typeId: string } | null };

describe("a member's status and membership", () => {
  it("read the same in a list, in a single read and through the filters, for any arrangement of periods", async () => {
    const t = await testApp();
    t.clock.set("2026-01-10T12:00:00Z");
    const types = [
      await createMembershipType(t, { period: { type: "rolling", months: 12 }, graceDays: 30 }),
      await createMembershipType(t, { kind: "supporting", period: { type: "rolling", months: 12 }, graceDays: 0 }),
      await createMembershipType(t, { period: { type: "rolling", months: 1 }, graceDays: 10 }),
      await createMembershipType(t, { kind: "supporting", period: { type: "rolling", months: 6 }, graceDays: 60 }),
    ];
    const starts = ["2025-01-01", "2025-06-01", "2025-12-15", "2026-01-01", "2026-03-01", "2026-06-01", "2026-12-01"];
    const random = seededRandom("status-rule");
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
    for (let i = 0; i < 40; i++) {
      const id = await createMember(t);
      const taken = new Set<string>();
      for (let n = Math.floor(random() * 4); n > 0; n--) {
        // Same start, other type: ties the order must break the same way in both places.
        const typeId = pick(types);
        const startsOn = i % 5 === 0 ? "2026-01-01" : pick(starts);
        if (taken.has(`${typeId} ${startsOn}`)) continue;
        taken.add(`${typeId} ${startsOn}`);
        const response = await t.request("POST", `${members}/${id}/memberships`, { body: { typeId, startsOn } });
        expect(response.status, await response.clone().text()).toBe(201);
      }
    }
    const statuses = new Set<string>();
    for (const day of ["2025-03-01", "2026-01-10", "2026-02-05", "2026-07-15", "2027-01-20", "2028-01-01"]) {
      t.clock.set(`${day}T12:00:00Z`);
      const listed = (await json<{ data: Listed[] }>(await t.request("GET", `${members}?limit=100`), 200)).data;
      expect(listed).toHaveLength(40);
      for (const row of listed) {
        const single = await json<Listed>(await t.request("GET", `${members}/${row.id}`), 200);
        expect({ day, status: row.status, membership: row.membership?.id }).toEqual({
          day,
          status: single.status,
          membership: single.membership?.id,
        });
        statuses.add(row.status);
      }
      for (const typeId of types) {
        const filtered = (await json<{ data: Listed[] }>(await t.request("GET", `${members}?limit=100&typeId=${typeId}`), 200)).data;
        expect(filtered.map((row) => row.id).sort()).toEqual(
          listed
            .filter((row) => row.membership?.typeId === typeId)
            .map((row) => row.id)
            .sort(),
        );
      }
      for (const status of ["current", "grace", "lapsed", "none"]) {
        const filtered = (await json<{ data: Listed[] }>(await t.request("GET", `${members}?limit=100&status=${status}`), 200)).data;
        expect(filtered.map((row) => row.id).sort()).toEqual(
          listed
            .filter((row) => row.status === status)
            .map((row) => row.id)
            .sort(),
        );
      }
    }
    // The arrangement reaches every status, or the comparison proves little.
    expect([...statuses].sort()).toEqual(["current", "grace", "lapsed", "none"]);
  });
});
