/**
 * How to reach each single resource of the API, and how to write each one, for the
 * conditional-request test (etags.test.ts), which checks that every operation of the
 * OpenAPI document is one of these or exempt.
 */
import { expect } from "vitest";
import { createPosition, createElection as draftElection, stand, tokenOf, vote, votingElection } from "../elections/helpers.ts";
import { createEvent } from "../events/helpers.ts";
import { createCampaign as campaignOpenToday, createAction } from "../groupwork/helpers.ts";
import type { TestApp } from "../helpers/app.ts";
import { createActiveMember, createMember, createMembershipType } from "../helpers/members.ts";

export interface Fixture {
  /** The current ETag of what the write applies to, read as a client reads it. */
  etag(): Promise<string>;
  /** The write, sent with this If-Match. */
  send(ifMatch: string): Promise<Response>;
  /** The write removes the resource (a second one meets nothing to compare with). */
  removes?: boolean;
}

type Key = string | null | undefined;

const v1 = (t: TestApp) => `/v1/orgs/${t.org}`;

async function created<T = { id: string }>(t: TestApp, path: string, body: unknown, key?: Key): Promise<T> {
  const response = await t.request("POST", path, { body, key });
  expect(response.status, `POST ${path}: ${await response.clone().text()}`).toBe(201);
  return (await response.json()) as T;
}

async function etagOf(t: TestApp, path: string, key?: Key): Promise<string> {
  const response = await t.request("GET", path, { key });
  expect(response.status, `GET ${path}: ${await response.clone().text()}`).toBe(200);
  const tag = response.headers.get("ETag");
  if (!tag) throw new Error(`GET ${path} answered no ETag`);
  return tag;
}

/** A write to `path`, its ETag read from `read` (the resource it changes). */
function write(
  t: TestApp,
  read: { path: string; key?: Key },
  request: { method: string; path: string; body?: unknown; key?: Key },
  removes = false,
): Fixture {
  return {
    etag: () => etagOf(t, read.path, read.key),
    send: (ifMatch) => t.request(request.method, request.path, { body: request.body, key: request.key, headers: { "If-Match": ifMatch } }),
    removes,
  };
}

/** A write of the resource at `path` itself. */
const writeAt = (t: TestApp, path: string, method: string, body?: unknown, removes = false, key?: Key) =>
  write(t, { path, key }, { method, path, body, key }, removes);

// ------------------------------------------------------------------ the things written

const apiKey = (t: TestApp) => created(t, `${v1(t)}/api-keys`, { name: "Integration", role: "staff" });
/** Subscribed to an event none of these tests causes, so nothing is ever sent to it. */
const webhook = (t: TestApp) => created(t, `${v1(t)}/webhooks`, { url: "https://hooks.example.org/grasrot", eventTypes: ["mailing.sent"] });
const area = (t: TestApp, code = "A1", postalCodes = ["11455"]) =>
  created(t, `${v1(t)}/areas`, { name: `Area ${code}`, code, postalCodes });
const group = (t: TestApp) => created(t, `${v1(t)}/groups`, { name: "Study circle", kind: "interest" });
const campaign = (t: TestApp) => created(t, `${v1(t)}/campaigns`, { name: "Summer", startsOn: "2026-12-01", endsOn: "2026-12-31" });
let contacts = 0;
const contact = (t: TestApp) => created(t, `${v1(t)}/contacts`, { name: "Guest", email: `guest-${++contacts}@example.org` });
const programmeArea = (t: TestApp) => created(t, `${v1(t)}/programme-areas`, { name: "Democracy" });
const partner = (t: TestApp) => created(t, `${v1(t)}/partners`, { name: "Partido Winaq", kind: "party" });
const mailing = (t: TestApp) =>
  created(t, `${v1(t)}/mailings`, { subject: "News", text: "Hello", category: "newsletters", audience: { type: "all_members" } });

async function membership(t: TestApp) {
  const memberId = await createActiveMember(t);
  const list = await t.request("GET", `${v1(t)}/members/${memberId}/memberships`);
  const [first] = ((await list.json()) as { data: { id: string }[] }).data;
  if (!first) throw new Error("no membership");
  return `${v1(t)}/members/${memberId}/memberships/${first.id}`;
}

async function proposal(t: TestApp) {
  const proposer = await createActiveMember(t);
  return created(
    t,
    `${v1(t)}/groups/proposals`,
    { kind: "interest", name: "Reading circle", purpose: "Read together" },
    await tokenOf(t, proposer),
  );
}

/** A group with an active member in its roster. */
async function rosterEntry(t: TestApp) {
  const { id } = await group(t);
  const memberId = await createActiveMember(t);
  await created(t, `${v1(t)}/groups/${id}/members`, { memberId, role: "member" });
  return { groupId: id, memberId, path: `${v1(t)}/groups/${id}/members/${memberId}` };
}

const weekly = (t: TestApp) => createEvent(t, { recurrence: { rrule: "FREQ=WEEKLY;COUNT=4" } });
const firstStart = "2026-11-28T17:00:00.000Z";

async function registration(t: TestApp) {
  const event = await createEvent(t, { registration: { mode: "open", capacity: 10 } });
  const memberId = await createActiveMember(t);
  const { id } = await created(t, `${v1(t)}/events/${event.id}/registrations`, {}, await tokenOf(t, memberId));
  return `${v1(t)}/events/${event.id}/registrations/${id}`;
}

async function mandate(t: TestApp) {
  const positionId = await createPosition(t);
  const memberId = await createMember(t);
  const { id } = await created(t, `${v1(t)}/positions/${positionId}/mandates`, { memberId, startsOn: "2026-01-01" });
  return `${v1(t)}/mandates/${id}`;
}

/** An announced election (nominations open now). */
async function nominating(t: TestApp) {
  const election = await draftElection(t);
  const announced = await t.request("POST", `${v1(t)}/elections/${election.id}/transitions`, { body: { to: "nominating" } });
  expect(announced.status).toBe(200);
  return election.id;
}

/** A candidate nominated by staff, waiting for the nominee's answer. */
async function nomination(t: TestApp) {
  const electionId = await nominating(t);
  const memberId = await createActiveMember(t);
  const { id } = await created(t, `${v1(t)}/elections/${electionId}/candidates`, { memberId });
  return { path: `${v1(t)}/elections/${electionId}/candidates/${id}`, memberId };
}

async function candidate(t: TestApp) {
  const electionId = await nominating(t);
  const memberId = await createActiveMember(t);
  const id = await stand(t, electionId, memberId);
  return { electionId, memberId, path: `${v1(t)}/elections/${electionId}/candidates/${id}` };
}

/** An election counted from two online ballots for one seat. */
export async function countedElection(t: TestApp) {
  const positionId = await createPosition(t, { seats: 1 });
  const { election, candidateIds, voters } = await votingElection(t, { candidates: 2, voters: 2, fields: { positionId } });
  const receipts: string[] = [];
  for (const voter of voters) {
    const cast = await vote(t, election.id, voter, [candidateIds[0]]);
    expect(cast.status).toBe(201);
    receipts.push(((await cast.json()) as { receiptHash: string }).receiptHash);
  }
  const counted = await t.request("POST", `${v1(t)}/elections/${election.id}/transitions`, { body: { to: "counted" } });
  expect(counted.status, await counted.clone().text()).toBe(200);
  return { id: election.id, path: `${v1(t)}/elections/${election.id}`, candidateIds, receipts };
}

/** An announced election of a member meeting's register (fixed with one member present); the clock at the meeting. */
async function meetingPoll(t: TestApp, open: boolean) {
  const meeting = await createEvent(t, {
    kind: "member_meeting",
    startsAt: "2026-11-21T17:00:00.000Z",
    endsAt: "2026-11-21T21:00:00.000Z",
    visibility: "members",
  });
  const memberId = await createActiveMember(t);
  await created(t, `${v1(t)}/events/${meeting.id}/check-ins`, { memberId });
  await created(t, `${v1(t)}/events/${meeting.id}/voting-register`, {});
  const election = await created(t, `${v1(t)}/elections`, {
    positionId: await createPosition(t),
    method: "plurality",
    electorate: { source: "meeting", eventId: meeting.id },
    nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-21T16:00:00.000Z" },
  });
  const path = `${v1(t)}/elections/${election.id}`;
  expect((await t.request("POST", `${path}/transitions`, { body: { to: "nominating" } })).status).toBe(200);
  t.clock.set("2026-11-21T17:30:00.000Z");
  if (open) expect((await t.request("POST", `${path}/poll/open`)).status).toBe(200);
  return path;
}

/** A meeting's election with one candidate, whom the committee proposes; the vote on the proposal opened if `open`. */
async function proposalVote(t: TestApp, open: boolean) {
  const meeting = await createEvent(t, {
    kind: "member_meeting",
    startsAt: "2026-11-21T17:00:00.000Z",
    endsAt: "2026-11-21T21:00:00.000Z",
    visibility: "members",
  });
  const memberId = await createActiveMember(t);
  await created(t, `${v1(t)}/events/${meeting.id}/check-ins`, { memberId });
  await created(t, `${v1(t)}/events/${meeting.id}/voting-register`, {});
  const election = await created(t, `${v1(t)}/elections`, {
    positionId: await createPosition(t),
    method: "plurality",
    electorate: { source: "meeting", eventId: meeting.id },
    nomination: { opensAt: t.clock.now().toISOString(), closesAt: "2026-11-21T16:00:00.000Z" },
  });
  const path = `${v1(t)}/elections/${election.id}`;
  expect((await t.request("POST", `${path}/transitions`, { body: { to: "nominating" } })).status).toBe(200);
  await stand(t, election.id, memberId);
  expect((await t.request("PUT", `${path}/proposal`, { body: { entries: [{ memberId }] } })).status).toBe(200);
  t.clock.set("2026-11-21T17:30:00.000Z");
  if (open) expect((await t.request("POST", `${path}/proposal-vote/open`)).status).toBe(200);
  return path;
}

async function memberWithToken(t: TestApp) {
  const memberId = await createActiveMember(t);
  return { memberId, token: await tokenOf(t, memberId) };
}

// ------------------------------------------------------------------ the writes

/** Every operation that honours If-Match, keyed by operationId, with a resource to write. */
export const conditionalWrites: Record<string, (t: TestApp) => Promise<Fixture>> = {
  updateWebhookEndpoint: async (t) => writeAt(t, `${v1(t)}/webhooks/${(await webhook(t)).id}`, "PATCH", { description: "CRM" }),
  deleteWebhookEndpoint: async (t) => writeAt(t, `${v1(t)}/webhooks/${(await webhook(t)).id}`, "DELETE", undefined, true),
  rotateWebhookSecret: async (t) => {
    const path = `${v1(t)}/webhooks/${(await webhook(t)).id}`;
    return write(t, { path }, { method: "POST", path: `${path}/rotate-secret` });
  },
  updateOrganisation: async (t) => writeAt(t, v1(t), "PATCH", { name: "Renamed" }),
  revokeApiKey: async (t) => writeAt(t, `${v1(t)}/api-keys/${(await apiKey(t)).id}`, "DELETE"),
  updateMember: async (t) => writeAt(t, `${v1(t)}/members/${await createMember(t)}`, "PATCH", { name: "Renamed" }),
  eraseMember: async (t) => writeAt(t, `${v1(t)}/members/${await createMember(t)}`, "DELETE", undefined, true),
  updateContact: async (t) => writeAt(t, `${v1(t)}/contacts/${(await contact(t)).id}`, "PATCH", { name: "Renamed" }),
  eraseContact: async (t) => writeAt(t, `${v1(t)}/contacts/${(await contact(t)).id}`, "DELETE", undefined, true),
  enrolContact: async (t) => {
    const path = `${v1(t)}/contacts/${(await contact(t)).id}`;
    return write(t, { path }, { method: "POST", path: `${path}/enrol` });
  },
  updateOwnProfile: async (t) => {
    const { token } = await memberWithToken(t);
    return writeAt(t, `${v1(t)}/me`, "PATCH", { phone: "+46 70 123 45 67" }, false, token);
  },
  recordMembershipPayment: async (t) =>
    writeAt(t, await membership(t), "PATCH", { paidAt: "2026-11-21T08:00:00.000Z", paymentReference: "OCR 1234" }),
  updateMembershipType: async (t) => writeAt(t, `${v1(t)}/membership-types/${await createMembershipType(t)}`, "PATCH", { graceDays: 10 }),
  archiveMembershipType: async (t) => {
    const path = `${v1(t)}/membership-types/${await createMembershipType(t)}`;
    return write(t, { path }, { method: "POST", path: `${path}/archive` });
  },
  updateArea: async (t) => writeAt(t, `${v1(t)}/areas/${(await area(t)).id}`, "PATCH", { name: "Renamed" }),
  deleteArea: async (t) => writeAt(t, `${v1(t)}/areas/${(await area(t)).id}`, "DELETE", undefined, true),
  replaceAreaPostalCodes: async (t) => {
    const path = `${v1(t)}/areas/${(await area(t)).id}`;
    return write(t, { path }, { method: "PUT", path: `${path}/postal-codes`, body: { postalCodes: ["11456"] } });
  },
  addAreaPostalCodes: async (t) => {
    const path = `${v1(t)}/areas/${(await area(t)).id}`;
    return write(t, { path }, { method: "POST", path: `${path}/postal-codes`, body: { postalCodes: ["11457"] } });
  },
  removeAreaPostalCode: async (t) => {
    const path = `${v1(t)}/areas/${(await area(t)).id}`;
    return write(t, { path }, { method: "DELETE", path: `${path}/postal-codes/11455` }, true);
  },
  updateGroup: async (t) => writeAt(t, `${v1(t)}/groups/${(await group(t)).id}`, "PATCH", { name: "Renamed" }),
  approveGroupProposal: async (t) => {
    const path = `${v1(t)}/groups/${(await proposal(t)).id}`;
    return write(t, { path }, { method: "POST", path: `${path}/approve` });
  },
  declineGroupProposal: async (t) => {
    const path = `${v1(t)}/groups/${(await proposal(t)).id}`;
    return write(t, { path }, { method: "POST", path: `${path}/decline`, body: { reason: "There is one already." } });
  },
  changeGroupMemberRole: async (t) => writeAt(t, (await rosterEntry(t)).path, "PATCH", { role: "contact_person" }),
  removeGroupMember: async (t) => writeAt(t, (await rosterEntry(t)).path, "DELETE", undefined, true),
  leaveGroup: async (t) => {
    const { id } = await group(t);
    const { token } = await memberWithToken(t);
    const path = `${v1(t)}/me/groups/${id}`;
    await created(t, path, undefined, token);
    return writeAt(t, path, "DELETE", undefined, true, token);
  },
  updateEvent: async (t) => writeAt(t, `${v1(t)}/events/${(await createEvent(t)).id}`, "PATCH", { title: "Renamed" }),
  deleteEvent: async (t) => writeAt(t, `${v1(t)}/events/${(await createEvent(t)).id}`, "DELETE", undefined, true),
  overrideOccurrence: async (t) => {
    const path = `${v1(t)}/events/${(await weekly(t)).id}`;
    return write(
      t,
      { path },
      { method: "PUT", path: `${path}/occurrences/${encodeURIComponent(firstStart)}`, body: { status: "cancelled" } },
    );
  },
  restoreOccurrence: async (t) => {
    const path = `${v1(t)}/events/${(await weekly(t)).id}`;
    const occurrence = `${path}/occurrences/${encodeURIComponent(firstStart)}`;
    expect((await t.request("PUT", occurrence, { body: { status: "cancelled" } })).status).toBe(200);
    return write(t, { path }, { method: "DELETE", path: occurrence });
  },
  updateRegistration: async (t) => writeAt(t, await registration(t), "PATCH", { status: "cancelled" }),
  updateCampaign: async (t) => writeAt(t, `${v1(t)}/campaigns/${(await campaign(t)).id}`, "PATCH", { name: "Renamed" }),
  deleteCampaign: async (t) => writeAt(t, `${v1(t)}/campaigns/${(await campaign(t)).id}`, "DELETE", undefined, true),
  issueCalendarToken: async (t) => {
    const { token } = await memberWithToken(t);
    const path = `${v1(t)}/me/calendar-token`;
    await created(t, path, undefined, token);
    return write(t, { path, key: token }, { method: "POST", path, key: token });
  },
  revokeCalendarToken: async (t) => {
    const { token } = await memberWithToken(t);
    const path = `${v1(t)}/me/calendar-token`;
    await created(t, path, undefined, token);
    return writeAt(t, path, "DELETE", undefined, false, token);
  },
  updatePosition: async (t) => writeAt(t, `${v1(t)}/positions/${await createPosition(t)}`, "PATCH", { seats: 3 }),
  updateMandate: async (t) => writeAt(t, await mandate(t), "PATCH", { endsOn: "2027-06-30" }),
  updateElection: async (t) => writeAt(t, `${v1(t)}/elections/${(await draftElection(t)).id}`, "PATCH", { title: "Board 2027" }),
  deleteElection: async (t) => writeAt(t, `${v1(t)}/elections/${(await draftElection(t)).id}`, "DELETE", undefined, true),
  transitionElection: async (t) => {
    const path = `${v1(t)}/elections/${(await draftElection(t)).id}`;
    return write(t, { path }, { method: "POST", path: `${path}/transitions`, body: { to: "nominating" } });
  },
  countElection: async (t) => {
    const { path } = await countedElection(t);
    return write(t, { path }, { method: "POST", path: `${path}/count` });
  },
  publishElection: async (t) => {
    const { path } = await countedElection(t);
    return write(t, { path }, { method: "POST", path: `${path}/publish`, body: {} });
  },
  openMeetingPoll: async (t) => {
    const path = await meetingPoll(t, false);
    return write(t, { path }, { method: "POST", path: `${path}/poll/open` });
  },
  closeMeetingPoll: async (t) => {
    const path = await meetingPoll(t, true);
    return write(t, { path }, { method: "POST", path: `${path}/poll/close` });
  },
  openProposalVote: async (t) => {
    const path = await proposalVote(t, false);
    return write(t, { path }, { method: "POST", path: `${path}/proposal-vote/open` });
  },
  closeProposalVote: async (t) => {
    const path = await proposalVote(t, true);
    return write(t, { path }, { method: "POST", path: `${path}/proposal-vote/close` });
  },
  declareByAcclamation: async (t) => {
    const { electionId } = await candidate(t);
    const path = `${v1(t)}/elections/${electionId}`;
    return write(t, { path }, { method: "POST", path: `${path}/acclamation` });
  },
  updateCandidate: async (t) => writeAt(t, (await candidate(t)).path, "PATCH", { statement: "For a greener city." }),
  acceptNomination: async (t) => {
    const { path, memberId } = await nomination(t);
    return write(t, { path }, { method: "POST", path: `${path}/accept`, key: await tokenOf(t, memberId) });
  },
  declineNomination: async (t) => {
    const { path, memberId } = await nomination(t);
    return write(t, { path }, { method: "POST", path: `${path}/decline`, key: await tokenOf(t, memberId) });
  },
  withdrawNomination: async (t) => {
    const { path } = await candidate(t);
    return write(t, { path }, { method: "POST", path: `${path}/withdraw` });
  },
  putNominationProposal: async (t) => {
    const { electionId, memberId } = await candidate(t);
    return writeAt(t, `${v1(t)}/elections/${electionId}/proposal`, "PUT", { entries: [{ memberId, reason: "Experienced." }] });
  },
  deletePaperBallots: async (t) => {
    const { election, candidateIds } = await votingElection(t, { candidates: 2, voters: 0 });
    const entry = await t.request("POST", `${v1(t)}/elections/${election.id}/paper-ballots`, {
      body: { ballots: [{ ranking: [candidateIds[0]] }] },
    });
    expect(entry.status).toBe(201);
    const tag = entry.headers.get("ETag") as string;
    const path = entry.headers.get("Location") as string;
    return { etag: async () => tag, send: (ifMatch) => t.request("DELETE", path, { headers: { "If-Match": ifMatch } }), removes: true };
  },
  updateMailing: async (t) => writeAt(t, `${v1(t)}/mailings/${(await mailing(t)).id}`, "PATCH", { subject: "Renamed" }),
  cancelMailing: async (t) => {
    const path = `${v1(t)}/mailings/${(await mailing(t)).id}`;
    return write(t, { path }, { method: "POST", path: `${path}/cancel` });
  },
  updateMailingAutomation: async (t) => writeAt(t, `${v1(t)}/mailing-automations/monthly_group`, "PUT", { leadDays: 5 }),
  updateAction: async (t) =>
    writeAt(t, `${v1(t)}/actions/${await createAction(t, await campaignOpenToday(t))}`, "PATCH", { target: "Another" }),
  decideGroupGrant: async (t) => {
    const groupId = (await group(t)).id;
    const { id } = await created(t, `${v1(t)}/groups/${groupId}/grants`, { amount: 100, currency: "SEK", purpose: "Stand" });
    return writeAt(t, `${v1(t)}/groups/${groupId}/grants/${id}`, "PATCH", { status: "granted" });
  },
  putMemberRecruitment: async (t) => {
    const groupId = (await group(t)).id;
    const path = `${v1(t)}/members/${await createMember(t)}/recruitment`;
    expect((await t.request("PUT", path, { body: { groupId, source: "staff" } })).status).toBe(201);
    return writeAt(t, path, "PUT", { groupId, source: "signup_form" });
  },
  revokeRecruitmentLink: async (t) => {
    const groupId = (await group(t)).id;
    const link = await created(t, `${v1(t)}/groups/${groupId}/recruitment-links`, {});
    return writeAt(t, `${v1(t)}/groups/${groupId}/recruitment-links/${link.id}`, "DELETE");
  },
  removeMailSuppression: async (t) => {
    const entry = await t.request("POST", `${v1(t)}/mail-suppressions`, { body: { email: "bounce@example.org", reason: "manual" } });
    expect(entry.status).toBe(201);
    const tag = entry.headers.get("ETag") as string;
    const path = entry.headers.get("Location") as string;
    return { etag: async () => tag, send: (ifMatch) => t.request("DELETE", path, { headers: { "If-Match": ifMatch } }), removes: true };
  },
  updateProgrammeArea: async (t) => writeAt(t, `${v1(t)}/programme-areas/${(await programmeArea(t)).id}`, "PATCH", { name: "Renamed" }),
  deleteProgrammeArea: async (t) => writeAt(t, `${v1(t)}/programme-areas/${(await programmeArea(t)).id}`, "DELETE", undefined, true),
  updatePartner: async (t) => writeAt(t, `${v1(t)}/partners/${(await partner(t)).id}`, "PATCH", { country: "GT" }),
  deletePartner: async (t) => writeAt(t, `${v1(t)}/partners/${(await partner(t)).id}`, "DELETE", undefined, true),
  // A contact person's link to the partner is part of the person's record, written with the person's ETag.
  addPartnerContact: async (t) => {
    const memberId = await createMember(t);
    const { id } = await partner(t);
    return write(t, { path: `${v1(t)}/members/${memberId}` }, { method: "PUT", path: `${v1(t)}/partners/${id}/contacts/${memberId}` });
  },
  removePartnerContact: async (t) => {
    const memberId = await createMember(t);
    const { id } = await partner(t);
    expect((await t.request("PUT", `${v1(t)}/partners/${id}/contacts/${memberId}`)).status).toBe(200);
    return write(
      t,
      { path: `${v1(t)}/members/${memberId}` },
      { method: "DELETE", path: `${v1(t)}/partners/${id}/contacts/${memberId}` },
      true,
    );
  },
  putParticipationSettings: async (t) => writeAt(t, `${v1(t)}/reports/participation/settings`, "PUT", { ageLimits: [25], minimumCount: 5 }),
};

/** POSTs that do not honour If-Match, and why: they make something new, or change no stored resource. */
export const unconditionalPosts: Record<string, string> = {
  createOrganisation: "creates",
  createApiKey: "creates",
  createWebhookEndpoint: "creates",
  redeliverWebhook: "creates a new delivery of a message that never changes",
  requestSignInLink: "sends a sign-in code; no resource of the caller's",
  exchangeSignInCode: "exchanges a code for a token",
  importMembers: "a whole CSV applied all or nothing, and repeatable: it compares rows, not versions",
  importContacts: "a whole CSV applied all or nothing, and repeatable: it compares rows, not versions",
  createMember: "creates",
  createContact: "creates",
  createMembership: "creates",
  createMembershipType: "creates",
  createArea: "creates",
  createGroup: "creates",
  proposeGroup: "creates",
  addGroupMember: "creates the roster entry",
  joinGroup: "creates the member's own roster entry",
  createEvent: "creates",
  registerForEvent: "creates",
  createCampaign: "creates",
  createPosition: "creates",
  createMandate: "creates",
  createElection: "creates",
  nominateCandidate: "creates",
  castBallot: "creates a ballot that nobody can read back",
  enterPaperBallots: "creates",
  enterPaperVote: "creates a ballot that nobody can read back, and marks its voter once",
  castProposalVote: "creates a vote that nobody can read back",
  enterProposalPaperVote: "creates a vote that nobody can read back, and marks its voter once",
  newCheckInCode: "replaces the room's code; nothing a client writes back",
  checkIn: "creates the presence, or answers the one that exists",
  checkOut: "records leaving once; again changes nothing",
  recordSessionAttendance: "records one member's presence at one session; recording it again replaces it",
  fixVotingRegister: "creates the register, once",
  adjustVotingRegister: "creates a logged change",
  createMailing: "creates",
  addMailSuppression: "creates (or answers the entry that exists)",
  tally: "counts what it is sent; stores nothing",
  unsubscribe: "the one-click link of an e-mail (RFC 8058): mail clients send no If-Match",
  createCampaignAction: "creates",
  reportGroupAction: "creates a report, never changed once made",
  reportMyLetters: "creates a report, never changed once made",
  applyForGrant: "creates",
  recordGroupIncome: "creates an entry, never changed once made",
  recordGroupExpense: "creates an entry, never changed once made",
  createRecruitmentLink: "creates",
  signUp: "creates a pending sign-up; no resource of the caller's",
  confirmSignup: "confirms what its token names, once; again changes nothing",
  confirmSignupFromPage: "the button of an e-mail link's page: browsers send no If-Match",
  createProgrammeArea: "creates",
  createPartner: "creates",
};

/** GETs that answer no ETag, and why: none is a stored resource one writes back. */
export const readsWithoutEtag: Record<string, string> = {
  getHealth: "the deployment's state",
  getOpenApiYaml: "this document",
  getOpenApiJson: "this document",
  exportMembersCsv: "an export of many members",
  exportContactsCsv: "an export of many people",
  exportContact: "an export of everything held about a person",
  exportMember: "an export of everything held about a member",
  exportOwnData: "an export of everything held about the member",
  getAttendance: "counts over an event's registrations",
  getCampaignFigures: "counts over a campaign's events",
  getOrganisationFeed: "an iCalendar feed of many events",
  getGroupFeed: "an iCalendar feed of many events",
  getPersonalFeed: "an iCalendar feed of many events",
  getMyVoterStatus: "the caller's standing in an election, computed",
  getVotingRegister: "a count and a page of the register, computed",
  getPollProgress: "counts over a poll, computed",
  previewMailing: "a rendering of what a mailing would send now",
  getMonthlyGroupReport: "counts over a run's deliveries, changing as it is sent",
  showUnsubscribe: "the confirmation page of an e-mail link",
  getActionTotals: "sums over the reports of actions",
  getGroupMoney: "sums over a group's grants, income and expenses",
  getGroupRecruitment: "counts over a group's recruits",
  getGroupYearReport: "a group's figures for a year",
  getGroupYearReportCsv: "a group's figures for a year",
  getGroupsYearReport: "every group's figures for a year",
  getGroupsYearReportCsv: "every group's figures for a year",
  exportMoneyCsv: "an export of a year's money lines",
  showSignupConfirmation: "the confirmation page of an e-mail link",
  getParticipationReport: "counts over a period's attendance",
  getParticipationReportCsv: "counts over a period's attendance",
  getPartnerReport: "what was done with each partner in a period",
};

export interface World {
  t: TestApp;
  paths: Record<string, { path: string; key?: Key }>;
}

/** One organisation holding one of everything, and where each single resource is read. */
export async function world(t: TestApp): Promise<World> {
  const { memberId, token } = await memberWithToken(t);
  const membershipPath = await membership(t);
  const typeId = await createMembershipType(t);
  const areaId = (await area(t)).id;
  const groupId = (await group(t)).id;
  await created(t, `${v1(t)}/groups/${groupId}/members`, { memberId, role: "member" });
  const event = await createEvent(t, { registration: { mode: "open", capacity: 10 } });
  const { id: registrationId } = await created(t, `${v1(t)}/events/${event.id}/registrations`, {}, token);
  const campaignId = (await campaign(t)).id;
  await created(t, `${v1(t)}/me/calendar-token`, undefined, token);
  const positionId = await createPosition(t);
  const mandatePath = await mandate(t);
  const { electionId, path: candidatePath } = await candidate(t);
  const mailingId = (await mailing(t)).id;
  const keyId = (await apiKey(t)).id;
  const webhookId = (await webhook(t)).id;
  const programmeAreaId = (await programmeArea(t)).id;
  const partnerId = (await partner(t)).id;
  await t.database.client.execute({
    sql: `INSERT INTO mail_outbox (id, org_id, "to", "from", subject, message_id, headers, text, html, raw, created_at)
      SELECT '01a1fc82-9876-7000-8000-000000000001', id, 'a@example.org', 'b@example.org', 'Hi', '<m@x>', '{}', 'Hi', NULL, 'raw', ?
      FROM organisations WHERE slug = ?`,
    args: [t.clock.now().toISOString(), t.org],
  });
  // What the group achieves: an action open today, a report for it, a grant, income, an expense, a recruit.
  const actionId = await createAction(t, await campaignOpenToday(t));
  const g = `${v1(t)}/groups/${groupId}`;
  const { id: reportId } = await created(t, `${g}/action-reports`, { actionId, kind: "letters", quantity: 3, doneOn: "2026-11-20" });
  const { id: grantId } = await created(t, `${g}/grants`, { amount: 100, currency: "SEK", purpose: "Stand" });
  const { id: incomeId } = await created(t, `${g}/income`, { amount: 5, currency: "SEK", receivedOn: "2026-11-20", source: "online" });
  const { id: expenseId } = await created(t, `${g}/expenses`, { amount: 2, currency: "SEK", spentOn: "2026-11-20", description: "Tape" });
  expect((await t.request("PUT", `${v1(t)}/members/${memberId}/recruitment`, { body: { groupId, source: "staff" } })).status).toBe(201);
  const { id: linkId } = await created(t, `${g}/recruitment-links`, {});
  // Last: the counted election moves the clock on by days.
  const counted = await countedElection(t);
  const freshToken = await tokenOf(t, memberId);
  const o = v1(t);
  return {
    t,
    paths: {
      getOrganisation: { path: o },
      getApiKey: { path: `${o}/api-keys/${keyId}` },
      getWebhookEndpoint: { path: `${o}/webhooks/${webhookId}` },
      getMember: { path: `${o}/members/${memberId}` },
      getContact: { path: `${o}/contacts/${memberId}` },
      getMembership: { path: membershipPath },
      getMembershipType: { path: `${o}/membership-types/${typeId}` },
      getOwnProfile: { path: `${o}/me`, key: freshToken },
      getArea: { path: `${o}/areas/${areaId}` },
      getGroup: { path: `${o}/groups/${groupId}` },
      getGroupMember: { path: `${o}/groups/${groupId}/members/${memberId}` },
      getMyGroup: { path: `${o}/me/groups/${groupId}`, key: freshToken },
      getEvent: { path: `${o}/events/${event.id}` },
      getRegistration: { path: `${o}/events/${event.id}/registrations/${registrationId}` },
      getCampaign: { path: `${o}/campaigns/${campaignId}` },
      getCalendarToken: { path: `${o}/me/calendar-token`, key: freshToken },
      getPosition: { path: `${o}/positions/${positionId}` },
      getMandate: { path: mandatePath },
      getElection: { path: counted.path },
      getElectionResult: { path: `${counted.path}/result` },
      getElectionTallyInput: { path: `${counted.path}/tally-input` },
      getCandidate: { path: candidatePath },
      getNominationProposal: { path: `${o}/elections/${electionId}/proposal` },
      getReceipt: { path: `${counted.path}/receipts/${counted.receipts[0]}` },
      getMailing: { path: `${o}/mailings/${mailingId}` },
      getMailingAutomation: { path: `${o}/mailing-automations/meeting_summons` },
      getAction: { path: `${o}/actions/${actionId}` },
      getGroupActionReport: { path: `${g}/action-reports/${reportId}` },
      getGroupGrant: { path: `${g}/grants/${grantId}` },
      getGroupIncome: { path: `${g}/income/${incomeId}` },
      getGroupExpense: { path: `${g}/expenses/${expenseId}` },
      getMemberRecruitment: { path: `${o}/members/${memberId}/recruitment` },
      getRecruitmentLink: { path: `${g}/recruitment-links/${linkId}` },
      getProgrammeArea: { path: `${o}/programme-areas/${programmeAreaId}` },
      getPartner: { path: `${o}/partners/${partnerId}` },
      getParticipationSettings: { path: `${o}/reports/participation/settings` },
      getOutboxMessage: { path: `${o}/outbox/01a1fc82-9876-7000-8000-000000000001` },
    },
  };
}
