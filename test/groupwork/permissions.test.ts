import { describe, expect, it } from "vitest";
import { json, type TestApp } from "../helpers/app.ts";
import { createMember } from "../helpers/members.ts";
import { type Cast, castOfCallers, expectStatuses, type StatusMatrix } from "../helpers/permission-matrix.ts";
import { createAction, createCampaign } from "./helpers.ts";

/**
 * The permission table's rows for actions, a group's money, recruitment and the year's
 * reports, column by column for every kind of caller of the shared cast. Each row runs in a
 * fresh organisation; a caller that changes a thing works on its own.
 */

interface World {
  cast: Cast;
  t: TestApp;
  group: string;
  campaign: string;
  action: string;
  recruit: string;
}

async function world(): Promise<World> {
  const cast = await castOfCallers();
  const t = cast.t;
  const campaign = await createCampaign(t);
  const recruit = await createMember(t);
  await json(
    await t.request("PUT", `/v1/orgs/demo/members/${recruit}/recruitment`, { body: { groupId: cast.group, source: "staff" } }),
    201,
  );
  return { cast, t, group: cast.group, campaign, action: await createAction(t, campaign), recruit };
}

const freshGrant = async (w: World) =>
  (
    await json<{ id: string }>(
      await w.t.request("POST", `/v1/orgs/demo/groups/${w.group}/grants`, { body: { amount: 100, currency: "SEK", purpose: "Stand" } }),
      201,
    )
  ).id;

type Row = [action: string, run: (w: World, key: string | null) => Promise<Response>, expected: StatusMatrix];

/** The README's columns, in its order, then the members of other standings. */
const as = (
  [anonymous, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin]: [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ],
  standings: { groupMember: number; graceMember: number; lapsedMember: number; noneMember: number },
): StatusMatrix => ({ anonymous, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin, ...standings });
const likeAMember = (status: number) => ({ groupMember: status, graceMember: status, lapsedMember: status, noneMember: status });
/** The group's members in good standing read its figures; the lapsed convener and a contact do not. */
const groupMembersRead = { groupMember: 200, graceMember: 200, lapsedMember: 403, noneMember: 403 };

const report = { kind: "letters", quantity: 3, doneOn: "2026-11-20" };
const income = { amount: 10, currency: "SEK", receivedOn: "2026-11-20", source: "street_collection" };

//                                                                     anon member convHere convElse readonly staff admin otherOrg
const rows: Row[] = [
  [
    "list a campaign's actions",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/campaigns/${w.campaign}/actions`, { key }),
    as([401, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "read an action",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/actions/${w.action}`, { key }),
    as([401, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "create an action",
    (w, key) =>
      w.t.request("POST", `/v1/orgs/demo/campaigns/${w.campaign}/actions`, {
        key,
        body: { kind: "letter", title: "T", target: "X", startsOn: "2026-11-01", endsOn: "2026-11-30" },
      }),
    as([401, 403, 403, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "update an action",
    (w, key) => w.t.request("PATCH", `/v1/orgs/demo/actions/${w.action}`, { key, body: { target: "Y" } }),
    as([401, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "report what the group did",
    (w, key) => w.t.request("POST", `/v1/orgs/demo/groups/${w.group}/action-reports`, { key, body: { ...report, actionId: w.action } }),
    as([401, 403, 201, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "list the group's action reports",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/action-reports`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], groupMembersRead),
  ],
  // Keys write no letters of their own; a lapsed member and a contact count for no group.
  [
    "record my letters",
    (w, key) => w.t.request("POST", "/v1/orgs/demo/me/action-reports", { key, body: { actionId: w.action, letters: 2 } }),
    as([401, 201, 201, 201, 403, 403, 403, 404], { groupMember: 201, graceMember: 201, lapsedMember: 403, noneMember: 403 }),
  ],
  [
    "read action totals",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/action-totals?campaignId=${w.campaign}`, { key }),
    as([401, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "apply for a grant",
    (w, key) =>
      w.t.request("POST", `/v1/orgs/demo/groups/${w.group}/grants`, { key, body: { amount: 100, currency: "SEK", purpose: "Stand" } }),
    as([401, 403, 201, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "list the group's grants",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/grants`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "decide a grant",
    async (w, key) =>
      w.t.request("PATCH", `/v1/orgs/demo/groups/${w.group}/grants/${await freshGrant(w)}`, { key, body: { status: "granted" } }),
    as([401, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "record income",
    (w, key) => w.t.request("POST", `/v1/orgs/demo/groups/${w.group}/income`, { key, body: income }),
    as([401, 403, 201, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "report an expense",
    (w, key) =>
      w.t.request("POST", `/v1/orgs/demo/groups/${w.group}/expenses`, {
        key,
        body: { amount: 5, currency: "SEK", spentOn: "2026-11-20", description: "Tape" },
      }),
    as([401, 403, 201, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "list the group's income",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/income`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "list the group's expenses",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/expenses`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read the group's money",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/money`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], groupMembersRead),
  ],
  [
    "export the year's money",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/reports/money.csv?year=2026", { key }),
    as([401, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read a recruitment",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/members/${w.recruit}/recruitment`, { key }),
    as([401, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "attribute a recruit",
    async (w, key) =>
      w.t.request("PUT", `/v1/orgs/demo/members/${await createMember(w.t)}/recruitment`, {
        key,
        body: { groupId: w.group, source: "staff" },
      }),
    as([401, 403, 403, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "read the group's recruitment",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/recruitment?from=2026-01-01&to=2026-12-31`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], groupMembersRead),
  ],
  [
    "read the group's year",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/report?year=2026`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], groupMembersRead),
  ],
  [
    "read the group's year as CSV",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/groups/${w.group}/report.csv?year=2026`, { key }),
    as([401, 403, 200, 403, 200, 200, 200, 404], groupMembersRead),
  ],
  [
    "read the section's year",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/reports/groups?year=2026", { key }),
    as([401, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read the section's year as CSV",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/reports/groups.csv?year=2026", { key }),
    as([401, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
];

describe("permissions of what groups achieve", () => {
  for (const [action, run, expected] of rows) {
    it(action, async () => {
      const w = await world();
      await expectStatuses(async (kind) => run(w, await w.cast.key(kind)), expected);
    });
  }
});

describe("tenancy", () => {
  it("never lets another organisation reach our actions, money or recruits through its own paths", async () => {
    const w = await world();
    const theirs = await w.cast.key("otherOrgAdmin");
    const grant = await freshGrant(w);
    const asThem = (method: string, path: string, body?: unknown) => w.t.request(method, `/v1/orgs/other${path}`, { key: theirs, body });
    const statuses = [
      (await asThem("GET", `/actions/${w.action}`)).status,
      (await asThem("GET", `/campaigns/${w.campaign}/actions`)).status,
      (await asThem("PATCH", `/actions/${w.action}`, { title: "Theirs" })).status,
      (await asThem("GET", `/groups/${w.group}/money`)).status,
      (await asThem("GET", `/groups/${w.group}/grants/${grant}`)).status,
      (await asThem("PATCH", `/groups/${w.group}/grants/${grant}`, { status: "granted" })).status,
      (await asThem("POST", `/groups/${w.group}/income`, income)).status,
      (await asThem("GET", `/members/${w.recruit}/recruitment`)).status,
      (await asThem("GET", `/groups/${w.group}/report?year=2026`)).status,
    ];
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404]);
    // Their own routes with our ids in the body are refused as unknown to them.
    const theirGroup = (await json<{ id: string }>(await asThem("POST", "/groups", { name: "G", kind: "local" }), 201)).id;
    const reported = await asThem("POST", `/groups/${theirGroup}/action-reports`, { ...report, actionId: w.action });
    expect(reported.status).toBe(422);
    const totals = await json<{ totals: { reports: number } }>(await asThem("GET", "/action-totals"), 200);
    expect(totals.totals.reports).toBe(0);
    const section = await json<{ groups: { groupId: string }[] }>(await asThem("GET", "/reports/groups?year=2026"), 200);
    expect(section.groups.map((g) => g.groupId)).toEqual([theirGroup]);
  });
});
