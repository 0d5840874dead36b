/**
 * A scenario against a running Grasrot: a membership type, two members with a membership each,
 * a local group they belong to, a group meeting with one place, and both registering for it
 * (the first gets the place, the second the waiting list; registering twice is a typed problem).
 *
 *   GRASROT_URL=http://localhost:8787 GRASROT_ORG=demo GRASROT_TOKEN=grs_… npx tsx clients/typescript/examples/register-for-event.ts
 *
 * The token is a staff or admin API key of the organisation. The last line printed is a JSON summary.
 */
import { createGrasrotClient, expectData, type Schemas } from "../client.ts";

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see the comment at the top of this file).`);
  return value;
}

const api = createGrasrotClient({ baseUrl: setting("GRASROT_URL"), token: setting("GRASROT_TOKEN") });
const org = setting("GRASROT_ORG");
const unique = Date.now().toString(36);
const today = new Date().toISOString().slice(0, 10);

const type = await expectData(
  api.POST("/v1/orgs/{org}/membership-types", {
    params: { path: { org } },
    body: {
      name: `Ordinary ${unique}`,
      kind: "active",
      fee: { amount: 200, currency: "SEK" },
      period: { type: "calendar_year" },
      graceDays: 30,
    },
  }),
);

async function member(name: string): Promise<Schemas["MemberView"]> {
  const created = await expectData(
    api.POST("/v1/orgs/{org}/members", {
      params: { path: { org } },
      body: { name, email: `${name.toLowerCase()}.${unique}@example.org`, postalCode: "11455" },
    }),
  );
  await expectData(
    api.POST("/v1/orgs/{org}/members/{id}/memberships", {
      params: { path: { org, id: created.id } },
      body: { typeId: type.id, startsOn: today },
    }),
  );
  return created;
}

const ada = await member("Ada");
const ben = await member("Ben");

const group = await expectData(
  api.POST("/v1/orgs/{org}/groups", { params: { path: { org } }, body: { name: `Södermalm ${unique}`, kind: "local" } }),
);
for (const [who, role] of [
  [ada, "convener"],
  [ben, "member"],
] as const) {
  await expectData(
    api.POST("/v1/orgs/{org}/groups/{id}/members", { params: { path: { org, id: group.id } }, body: { memberId: who.id, role } }),
  );
}

const startsAt = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);
startsAt.setUTCHours(17, 0, 0, 0);
const meeting = await expectData(
  api.POST("/v1/orgs/{org}/events", {
    params: { path: { org } },
    body: {
      title: "Group meeting",
      kind: "group_meeting",
      groupId: group.id,
      visibility: "group",
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 60 * 60 * 1000).toISOString(),
      timeZone: "Europe/Stockholm",
      registration: { mode: "open", capacity: 1 },
    },
  }),
);

async function register(who: Schemas["MemberView"]) {
  return api.POST("/v1/orgs/{org}/events/{id}/registrations", {
    params: { path: { org, id: meeting.id } },
    body: { memberId: who.id },
  });
}

const first = await expectData(register(ada));
const second = await expectData(register(ben));
// A second registration of the same member is refused: the problem is typed, its code one of a closed set.
const again = await register(ada);
const refused = again.error?.code ?? "accepted twice";

const listed = await expectData(
  api.GET("/v1/orgs/{org}/events/{id}/registrations", { params: { path: { org, id: meeting.id }, query: { limit: 10 } } }),
);

console.log(`${ada.name}: ${first.status}; ${ben.name}: ${second.status} (place ${second.waitlistPosition}); again: ${refused}`);
console.log(
  JSON.stringify({
    event: meeting.id,
    registrations: listed.data.map((registration) => ({ member: registration.member.name, status: registration.status })),
    again: refused,
  }),
);
