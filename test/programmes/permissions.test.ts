import { describe, it } from "vitest";
import { json, type TestApp } from "../helpers/app.ts";
import { createMember } from "../helpers/members.ts";
import { type Cast, castOfCallers, expectStatuses, type StatusMatrix } from "../helpers/permission-matrix.ts";
import { createPartner, createProgrammeArea } from "./helpers.ts";

/**
 * The permission table's rows for programme areas, partner organisations, their contact
 * persons and the programme reports, column by column for every kind of caller of the
 * shared cast. Each row runs in a fresh organisation; a caller that changes a thing works on
 * its own.
 */

interface World {
  cast: Cast;
  t: TestApp;
  area: string;
  partner: string;
}

async function world(): Promise<World> {
  const cast = await castOfCallers();
  return { cast, t: cast.t, area: await createProgrammeArea(cast.t), partner: await createPartner(cast.t) };
}

type Row = [action: string, run: (w: World, key: string | null) => Promise<Response>, expected: StatusMatrix];

/** The README's columns, in its order, then the members of other standings. */
const as = (
  [anonymous, groupMember, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin]: number[],
  standings: { graceMember: number; lapsedMember: number; noneMember: number },
): StatusMatrix => ({ anonymous, groupMember, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin, ...standings });
const likeAMember = (status: number) => ({ graceMember: status, lapsedMember: status, noneMember: status });
const period = "from=2027-01-01&to=2027-12-31";

//                                                                                 anon self other conv convElse readonly staff admin otherOrg
const rows: Row[] = [
  [
    "list programme areas",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/programme-areas", { key }),
    as([401, 200, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "read a programme area",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/programme-areas/${w.area}`, { key }),
    as([401, 200, 200, 200, 200, 200, 200, 200, 404], likeAMember(200)),
  ],
  [
    "create a programme area",
    (w, key) => w.t.request("POST", "/v1/orgs/demo/programme-areas", { key, body: { name: "Youth" } }),
    as([401, 403, 403, 403, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "change a programme area",
    async (w, key) => w.t.request("PATCH", `/v1/orgs/demo/programme-areas/${await createProgrammeArea(w.t)}`, { key, body: { name: "Y" } }),
    as([401, 403, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "delete a programme area",
    async (w, key) => w.t.request("DELETE", `/v1/orgs/demo/programme-areas/${await createProgrammeArea(w.t)}`, { key }),
    as([401, 403, 403, 403, 403, 403, 204, 204, 404], likeAMember(403)),
  ],
  [
    "list partners",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/partners", { key }),
    as([401, 403, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read a partner",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/partners/${w.partner}`, { key }),
    as([401, 403, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "create a partner",
    (w, key) => w.t.request("POST", "/v1/orgs/demo/partners", { key, body: { name: "Syd", kind: "ngo" } }),
    as([401, 403, 403, 403, 403, 403, 201, 201, 404], likeAMember(403)),
  ],
  [
    "change a partner",
    async (w, key) => w.t.request("PATCH", `/v1/orgs/demo/partners/${await createPartner(w.t)}`, { key, body: { country: "SE" } }),
    as([401, 403, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "delete a partner",
    async (w, key) => w.t.request("DELETE", `/v1/orgs/demo/partners/${await createPartner(w.t)}`, { key }),
    as([401, 403, 403, 403, 403, 403, 204, 204, 404], likeAMember(403)),
  ],
  [
    "list a partner's contact persons",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/partners/${w.partner}/contacts`, { key }),
    as([401, 403, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "add a contact person",
    async (w, key) => w.t.request("PUT", `/v1/orgs/demo/partners/${w.partner}/contacts/${await createMember(w.t)}`, { key }),
    as([401, 403, 403, 403, 403, 403, 200, 200, 404], likeAMember(403)),
  ],
  [
    "remove a contact person",
    async (w, key) => {
      const person = await createMember(w.t);
      await json(await w.t.request("PUT", `/v1/orgs/demo/partners/${w.partner}/contacts/${person}`), 200);
      return w.t.request("DELETE", `/v1/orgs/demo/partners/${w.partner}/contacts/${person}`, { key });
    },
    as([401, 403, 403, 403, 403, 403, 204, 204, 404], likeAMember(403)),
  ],
  [
    "read the participation report",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/reports/participation?${period}`, { key }),
    as([401, 403, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read the participation report as CSV",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/reports/participation.csv?${period}`, { key }),
    as([401, 403, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read the partner report",
    (w, key) => w.t.request("GET", `/v1/orgs/demo/reports/partners?${period}`, { key }),
    as([401, 403, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "read the participation report's settings",
    (w, key) => w.t.request("GET", "/v1/orgs/demo/reports/participation/settings", { key }),
    as([401, 403, 403, 403, 403, 200, 200, 200, 404], likeAMember(403)),
  ],
  [
    "change the participation report's settings",
    (w, key) => w.t.request("PUT", "/v1/orgs/demo/reports/participation/settings", { key, body: { ageLimits: [25], minimumCount: 5 } }),
    as([401, 403, 403, 403, 403, 403, 403, 200, 404], likeAMember(403)),
  ],
];

describe("permissions of programme areas, partners and programme reports", () => {
  for (const [action, run, expected] of rows) {
    it(action, async () => {
      const w = await world();
      await expectStatuses(async (kind) => run(w, await w.cast.key(kind)), expected);
    });
  }
});
