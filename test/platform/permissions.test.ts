/**
 * The README's permission rows for events, campaigns, mailings and elections, column by
 * column, by status, for every kind of caller of the shared cast (members and groups have
 * their own suites: test/members/access.test.ts and test/groups/permissions.test.ts). What
 * each kind of caller finds in the body of every list and feed of events, registrations,
 * rosters and candidates is asserted with the same matrix in the events, calendar, groups
 * and elections suites.
 */
import { describe, expect, it } from "vitest";
import { castOfCallers, expectStatuses } from "../helpers/permission-matrix.ts";

const hour = 3600_000;

/** The statuses of the keys and the other organisation, which most rows share. */
const keysMayRead = { anonymous: 401, readonly: 200, staff: 200, admin: 200, otherOrgAdmin: 404 };
const staffMayCreate = { anonymous: 401, readonly: 403, staff: 201, admin: 201, otherOrgAdmin: 404 };
/** Every member kind gets the same status. */
const allMembers = (status: number) => ({
  convener: status,
  groupMember: status,
  otherConvener: status,
  otherMember: status,
  graceMember: status,
  lapsedMember: status,
  noneMember: status,
});

describe("organisation settings and API keys", () => {
  it("keeps key management and organisation settings to admins", async () => {
    const cast = await castOfCallers();
    const keysOnly = { ...keysMayRead, readonly: 403, staff: 403, ...allMembers(403) };
    await expectStatuses((kind) => cast.request(kind, "GET", "/v1/orgs/demo/api-keys"), keysOnly);
    await expectStatuses((kind) => cast.request(kind, "POST", "/v1/orgs/demo/api-keys", { body: { name: "x", role: "admin" } }), {
      ...keysOnly,
      admin: 201,
    });
    await expectStatuses((kind) => cast.request(kind, "PATCH", "/v1/orgs/demo", { body: { name: "x" } }), keysOnly);
    // The organisation's own record is for keys; members read what concerns them under /me.
    await expectStatuses((kind) => cast.request(kind, "GET", "/v1/orgs/demo"), { ...keysMayRead, ...allMembers(403) });
  });
});

describe("events", () => {
  it("lets staff and the organising group's conveners create its events, nobody else", async () => {
    const cast = await castOfCallers();
    const { t } = cast;
    const startsAt = new Date(t.clock.now().getTime() + 48 * hour).toISOString();
    const endsAt = new Date(t.clock.now().getTime() + 50 * hour).toISOString();
    const body = {
      title: "Study evening",
      kind: "group_meeting",
      startsAt,
      endsAt,
      timeZone: "Europe/Stockholm",
      visibility: "members",
      groupId: cast.group,
    };
    await expectStatuses((kind) => cast.request(kind, "POST", "/v1/orgs/demo/events", { body }), {
      ...staffMayCreate,
      ...allMembers(403),
      convener: 201,
    });
  });

  it("lets members register themselves for events they may see", async () => {
    const cast = await castOfCallers();
    const { t } = cast;
    const startsAt = new Date(t.clock.now().getTime() + 48 * hour).toISOString();
    const endsAt = new Date(t.clock.now().getTime() + 50 * hour).toISOString();
    const created = await t.request("POST", "/v1/orgs/demo/events", {
      body: {
        title: "Open lecture",
        kind: "lecture",
        startsAt,
        endsAt,
        timeZone: "Europe/Stockholm",
        visibility: "members",
        registration: { mode: "open" },
      },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await expectStatuses((kind) => cast.request(kind, "POST", `/v1/orgs/demo/events/${id}/registrations`, { body: {} }), {
      anonymous: 401,
      readonly: 403,
      otherOrgAdmin: 404,
      ...allMembers(201),
      lapsedMember: 404,
      noneMember: 404,
    });
  });
});

describe("campaigns and mailings", () => {
  it("lets anyone of the organisation read campaigns and staff change them", async () => {
    const cast = await castOfCallers();
    await expectStatuses((kind) => cast.request(kind, "GET", "/v1/orgs/demo/campaigns"), { ...keysMayRead, ...allMembers(200) });
    const body = { name: "Summer", startsOn: "2027-06-01", endsOn: "2027-08-31" };
    await expectStatuses((kind) => cast.request(kind, "POST", "/v1/orgs/demo/campaigns", { body }), {
      ...staffMayCreate,
      ...allMembers(403),
    });
  });

  it("keeps mailings to keys: readonly reads, staff writes and reads the outbox", async () => {
    const cast = await castOfCallers();
    await expectStatuses((kind) => cast.request(kind, "GET", "/v1/orgs/demo/mailings"), { ...keysMayRead, ...allMembers(403) });
    await expectStatuses((kind) => cast.request(kind, "GET", "/v1/orgs/demo/outbox"), {
      ...keysMayRead,
      readonly: 403,
      ...allMembers(403),
    });
    const body = { subject: "Hello", text: "Hi {{member.name}}", category: "newsletters", audience: { type: "all_members" } };
    await expectStatuses((kind) => cast.request(kind, "POST", "/v1/orgs/demo/mailings", { body }), {
      ...staffMayCreate,
      ...allMembers(403),
    });
  });
});

describe("elections", () => {
  it("lets everyone of the organisation read elections and only staff create them", async () => {
    const cast = await castOfCallers();
    const { t } = cast;
    const position = await t.request("POST", "/v1/orgs/demo/positions", { body: { title: "Board", seats: 2, termMonths: 24 } });
    const positionId = ((await position.json()) as { id: string }).id;
    const at = (h: number) => new Date(t.clock.now().getTime() + h * hour).toISOString();
    const body = {
      positionId,
      method: "scottish_stv",
      electorate: { cutoffOn: t.clock.now().toISOString().slice(0, 10) },
      nomination: { opensAt: at(0), closesAt: at(48) },
      voting: { opensAt: at(72), closesAt: at(96) },
    };
    await expectStatuses((kind) => cast.request(kind, "POST", "/v1/orgs/demo/elections", { body }), {
      ...staffMayCreate,
      ...allMembers(403),
    });
    await expectStatuses((kind) => cast.request(kind, "GET", "/v1/orgs/demo/elections"), { ...keysMayRead, ...allMembers(200) });
  });

  it("counts supplied ballots for any API key, never for a member token", async () => {
    const cast = await castOfCallers();
    const body = { method: "plurality", seats: 1, candidates: ["A", "B"], ballots: [{ weight: 2, ranking: ["A"] }] };
    await expectStatuses((kind) => cast.request(kind, "POST", "/v1/tally", { body }), {
      ...keysMayRead,
      otherOrgAdmin: 200,
      ...allMembers(401),
    });
  });
});
