/**
 * The README's permission rows for events, campaigns, mailings and elections, column by
 * column, by status (members and groups have their own suites: test/members/access.test.ts
 * and test/groups/permissions.test.ts). What each kind of caller finds in the body of every
 * list and feed of events, registrations, rosters and candidates is asserted with the
 * shared matrix of test/helpers/permission-matrix.ts, in the events, calendar, groups and
 * elections suites.
 */
import { describe, expect, it } from "vitest";
import { operatorKey, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";

interface Callers {
  anonymous: null;
  self: string;
  convener: string;
  otherConvener: string;
  readonly: string;
  staff: string;
  admin: string;
  otherOrgAdmin: string;
}

async function keyOf(t: TestApp, role: string) {
  const response = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: role, role } });
  return ((await response.json()) as { secret: string }).secret;
}

async function groupLedBy(t: TestApp, memberId: string, name: string) {
  const group = await t.request("POST", "/v1/orgs/demo/groups", { body: { name, kind: "interest" } });
  const { id } = (await group.json()) as { id: string };
  const added = await t.request("POST", `/v1/orgs/demo/groups/${id}/members`, { body: { memberId, role: "convener" } });
  expect(added.status).toBe(201);
  return id;
}

async function setUp() {
  const t = await testApp();
  const selfId = await createActiveMember(t);
  const convenerId = await createActiveMember(t);
  const otherConvenerId = await createActiveMember(t);
  const groupId = await groupLedBy(t, convenerId, "Study circle");
  await groupLedBy(t, otherConvenerId, "Other circle");
  const other = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } });
  const callers: Callers = {
    anonymous: null,
    self: await memberToken(t, selfId),
    convener: await memberToken(t, convenerId),
    otherConvener: await memberToken(t, otherConvenerId),
    readonly: await keyOf(t, "readonly"),
    staff: await keyOf(t, "staff"),
    admin: t.adminKey,
    otherOrgAdmin: ((await other.json()) as { adminKey: { secret: string } }).adminKey.secret,
  };
  return { t, callers, groupId, selfId };
}

type Column = keyof Callers;
const columns: Column[] = ["anonymous", "self", "convener", "otherConvener", "readonly", "staff", "admin", "otherOrgAdmin"];

async function statuses(callers: Callers, request: (key: string | null) => Promise<Response>, only: Column[] = columns) {
  const result: Partial<Record<Column, number>> = {};
  for (const column of only) result[column] = (await request(callers[column])).status;
  return result;
}

const hour = 3600_000;

describe("events", () => {
  it("lets staff and the organising group's conveners create its events, nobody else", async () => {
    const { t, callers, groupId } = await setUp();
    const startsAt = new Date(t.clock.now().getTime() + 48 * hour).toISOString();
    const endsAt = new Date(t.clock.now().getTime() + 50 * hour).toISOString();
    const body = {
      title: "Study evening",
      kind: "group_meeting",
      startsAt,
      endsAt,
      timeZone: "Europe/Stockholm",
      visibility: "members",
      groupId,
    };
    const got = await statuses(callers, (key) => t.request("POST", "/v1/orgs/demo/events", { key, body }));
    expect(got).toEqual({
      anonymous: 401,
      self: 403,
      convener: 201,
      otherConvener: 403,
      readonly: 403,
      staff: 201,
      admin: 201,
      otherOrgAdmin: 404,
    });
  });

  it("lets members register themselves for events they may see", async () => {
    const { t, callers } = await setUp();
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
    const got = await statuses(callers, (key) => t.request("POST", `/v1/orgs/demo/events/${id}/registrations`, { key, body: {} }), [
      "anonymous",
      "self",
      "convener",
      "otherConvener",
      "readonly",
      "otherOrgAdmin",
    ]);
    expect(got).toEqual({ anonymous: 401, self: 201, convener: 201, otherConvener: 201, readonly: 403, otherOrgAdmin: 404 });
  });
});

describe("campaigns and mailings", () => {
  it("lets anyone of the organisation read campaigns and staff change them", async () => {
    const { t, callers } = await setUp();
    const read = await statuses(callers, (key) => t.request("GET", "/v1/orgs/demo/campaigns", { key }));
    expect(read).toEqual({
      anonymous: 401,
      self: 200,
      convener: 200,
      otherConvener: 200,
      readonly: 200,
      staff: 200,
      admin: 200,
      otherOrgAdmin: 404,
    });
    const body = { name: "Summer", startsOn: "2027-06-01", endsOn: "2027-08-31" };
    const write = await statuses(callers, (key) => t.request("POST", "/v1/orgs/demo/campaigns", { key, body }));
    expect(write).toEqual({
      anonymous: 401,
      self: 403,
      convener: 403,
      otherConvener: 403,
      readonly: 403,
      staff: 201,
      admin: 201,
      otherOrgAdmin: 404,
    });
  });

  it("keeps mailings to keys: readonly reads, staff writes and reads the outbox", async () => {
    const { t, callers } = await setUp();
    const read = await statuses(callers, (key) => t.request("GET", "/v1/orgs/demo/mailings", { key }));
    expect(read).toEqual({
      anonymous: 401,
      self: 403,
      convener: 403,
      otherConvener: 403,
      readonly: 200,
      staff: 200,
      admin: 200,
      otherOrgAdmin: 404,
    });
    const outbox = await statuses(callers, (key) => t.request("GET", "/v1/orgs/demo/outbox", { key }));
    expect(outbox).toEqual({
      anonymous: 401,
      self: 403,
      convener: 403,
      otherConvener: 403,
      readonly: 403,
      staff: 200,
      admin: 200,
      otherOrgAdmin: 404,
    });
    const body = { subject: "Hello", text: "Hi {{member.name}}", category: "newsletters", audience: { type: "all_members" } };
    const write = await statuses(callers, (key) => t.request("POST", "/v1/orgs/demo/mailings", { key, body }));
    expect(write).toEqual({
      anonymous: 401,
      self: 403,
      convener: 403,
      otherConvener: 403,
      readonly: 403,
      staff: 201,
      admin: 201,
      otherOrgAdmin: 404,
    });
  });
});

describe("elections", () => {
  it("lets everyone of the organisation read elections and only staff create them", async () => {
    const { t, callers } = await setUp();
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
    const write = await statuses(callers, (key) => t.request("POST", "/v1/orgs/demo/elections", { key, body }));
    expect(write).toEqual({
      anonymous: 401,
      self: 403,
      convener: 403,
      otherConvener: 403,
      readonly: 403,
      staff: 201,
      admin: 201,
      otherOrgAdmin: 404,
    });
    const read = await statuses(callers, (key) => t.request("GET", "/v1/orgs/demo/elections", { key }));
    expect(read).toEqual({
      anonymous: 401,
      self: 200,
      convener: 200,
      otherConvener: 200,
      readonly: 200,
      staff: 200,
      admin: 200,
      otherOrgAdmin: 404,
    });
  });

  it("counts supplied ballots for any API key, never for a member token", async () => {
    const { t, callers } = await setUp();
    const body = { method: "plurality", seats: 1, candidates: ["A", "B"], ballots: [{ weight: 2, ranking: ["A"] }] };
    const got = await statuses(callers, (key) => t.request("POST", "/v1/tally", { key, body }));
    expect(got).toEqual({
      anonymous: 401,
      self: 401,
      convener: 401,
      otherConvener: 401,
      readonly: 200,
      staff: 200,
      admin: 200,
      otherOrgAdmin: 200,
    });
  });
});
