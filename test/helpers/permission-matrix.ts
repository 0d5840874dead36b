import { expect } from "vitest";
import { json, operatorKey, problemOf, type TestApp, testApp } from "./app.ts";
import { createMember, createMembershipType, giveMembership, memberToken } from "./members.ts";

/**
 * A permission matrix: every kind of caller against one list, feed or read, asserting what
 * each finds in the body — exactly these things, and nothing else — not only the status;
 * and against one action, asserting the status each gets (`expectStatuses`).
 *
 * The cast is one organisation with two groups and a member of every standing around the
 * first group ("the group"):
 *
 * | kind            | membership on the test day (2026-11-21)  | in the group               |
 * | --------------- | ---------------------------------------- | -------------------------- |
 * | `convener`      | current                                  | convener                   |
 * | `groupMember`   | current                                  | member                     |
 * | `otherConvener` | current                                  | no (convener of the other) |
 * | `otherMember`   | current                                  | no (member of the other)   |
 * | `graceMember`   | in its grace period                      | member                     |
 * | `lapsedMember`  | lapsed (ended 2025, grace over)          | still convener on the roster, from when it was current |
 * | `noneMember`    | none: a contact who signed in            | no                         |
 *
 * plus `anonymous` (no credential), `readonly`, `staff` and `admin` keys, and `otherOrgAdmin`,
 * the admin key of a second organisation.
 */

export const memberKinds = [
  "convener",
  "groupMember",
  "otherConvener",
  "otherMember",
  "graceMember",
  "lapsedMember",
  "noneMember",
] as const;
export type MemberKind = (typeof memberKinds)[number];
export const keyKinds = ["readonly", "staff", "admin", "otherOrgAdmin"] as const;
export const callerKinds = ["anonymous", ...keyKinds, ...memberKinds] as const;
export type CallerKind = (typeof callerKinds)[number];

export interface Cast {
  t: TestApp;
  /** The group the member kinds stand around, and the other one. */
  group: string;
  otherGroup: string;
  members: Record<MemberKind, string>;
  /** The credential a kind calls with: null for anonymous; member tokens are made when asked (they expire after an hour). */
  key(kind: CallerKind): Promise<string | null>;
  /** A request to the app with the credential of a kind. */
  request(
    kind: CallerKind,
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
}

async function newKey(t: TestApp, role: "readonly" | "staff") {
  const response = await t.request("POST", `/v1/orgs/${t.org}/api-keys`, { body: { name: `${role} key`, role } });
  return (await json<{ secret: string }>(response, 201)).secret;
}

async function newGroup(t: TestApp, name: string) {
  const response = await t.request("POST", `/v1/orgs/${t.org}/groups`, { body: { name, kind: "interest" } });
  return (await json<{ id: string }>(response, 201)).id;
}

async function addToGroup(t: TestApp, groupId: string, memberId: string, role: "member" | "convener") {
  await json(await t.request("POST", `/v1/orgs/${t.org}/groups/${groupId}/members`, { body: { memberId, role } }), 201);
}

/** Builds the cast through the API, on a fresh organisation unless given one. */
export async function castOfCallers(given?: TestApp): Promise<Cast> {
  const t = given ?? (await testApp());
  const today = t.clock.now().toISOString();
  const group = await newGroup(t, "The group");
  const otherGroup = await newGroup(t, "The other group");
  const type = await createMembershipType(t, { name: "Member", graceDays: 60 });
  const longGrace = await createMembershipType(t, { name: "Member, long grace", graceDays: 365 });
  const member = (name: string) => createMember(t, { name });

  // The lapsed member joined the group in 2025, while their membership was current.
  t.clock.set("2025-06-01T10:00:00.000Z");
  const lapsedMember = await member("Lapsed member");
  await giveMembership(t, lapsedMember, type, "2025-01-01");
  await addToGroup(t, group, lapsedMember, "convener");
  t.clock.set(today);

  const members: Record<MemberKind, string> = {
    convener: await member("Convener"),
    groupMember: await member("Group member"),
    otherConvener: await member("Other convener"),
    otherMember: await member("Other member"),
    graceMember: await member("Grace member"),
    lapsedMember,
    noneMember: await member("No membership"),
  };
  for (const kind of ["convener", "groupMember", "otherConvener", "otherMember"] as const)
    await giveMembership(t, members[kind], type, "2026-01-01");
  // 2025 ended with a year's grace: still in grace on the test day.
  await giveMembership(t, members.graceMember, longGrace, "2025-01-01");
  await addToGroup(t, group, members.convener, "convener");
  await addToGroup(t, group, members.groupMember, "member");
  await addToGroup(t, group, members.graceMember, "member");
  await addToGroup(t, otherGroup, members.otherConvener, "convener");
  await addToGroup(t, otherGroup, members.otherMember, "member");

  const other = await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other organisation" } });
  const keys: Record<(typeof keyKinds)[number], string> = {
    readonly: await newKey(t, "readonly"),
    staff: await newKey(t, "staff"),
    admin: t.adminKey,
    otherOrgAdmin: (await json<{ adminKey: { secret: string } }>(other, 201)).adminKey.secret,
  };
  const key = async (kind: CallerKind) => {
    if (kind === "anonymous") return null;
    if ((memberKinds as readonly string[]).includes(kind)) return memberToken(t, members[kind as MemberKind]);
    return keys[kind as (typeof keyKinds)[number]];
  };
  return {
    t,
    group,
    otherGroup,
    members,
    key,
    request: async (kind, method, path, options = {}) => t.request(method, path, { ...options, key: await key(kind) }),
  };
}

/** What a caller should get: the labels of exactly the things in the body, or a refusal's status. */
export type Seen = readonly string[] | number;
export type Matrix = Partial<Record<CallerKind, Seen>>;
/** What each caller should get from an action: a status. */
export type StatusMatrix = Partial<Record<CallerKind, number>>;

/** Names the things of a test, so a failing matrix reads as labels; anything unnamed shows as its raw id. */
export type Labels = Record<string, string>;

const normalise = (seen: Seen) => (typeof seen === "number" ? seen : [...seen].sort());

/**
 * Asks each caller of the matrix and compares everything at once, so a failure lists every
 * caller that sees more, less or other than it should. `read` takes a 200 response and
 * returns the ids in its body.
 */
export async function expectSeen(
  cast: Cast,
  labels: Labels,
  ask: (key: string | null, kind: CallerKind) => Promise<Response>,
  read: (response: Response) => Promise<string[]>,
  expected: Matrix,
) {
  const got: Partial<Record<CallerKind, Seen>> = {};
  for (const kind of Object.keys(expected) as CallerKind[]) {
    const response = await ask(await cast.key(kind), kind);
    got[kind] = response.status === 200 ? normalise((await read(response)).map((id) => labels[id] ?? id)) : response.status;
  }
  const want = Object.fromEntries(Object.entries(expected).map(([kind, seen]) => [kind, normalise(seen)]));
  expect(got).toEqual(want);
}

/**
 * The same for reads of single things: each caller asks for every labelled thing, and sees
 * those answered 200. Everything else must be one status for that caller — 404 where the
 * thing does not exist for them, or a refusal of the whole route (401, 403) — which the
 * matrix names instead of the list when the caller sees nothing.
 */
export async function expectReachable(cast: Cast, targets: Record<string, (key: string | null) => Promise<Response>>, expected: Matrix) {
  const got: Partial<Record<CallerKind, unknown>> = {};
  for (const kind of Object.keys(expected) as CallerKind[]) {
    const key = await cast.key(kind);
    const statuses: Record<string, number> = {};
    for (const [label, ask] of Object.entries(targets)) statuses[label] = (await ask(key)).status;
    const seen = Object.keys(statuses).filter((label) => statuses[label] === 200);
    const others = new Set(Object.values(statuses).filter((status) => status !== 200));
    const want = expected[kind] as Seen;
    if (typeof want === "number") got[kind] = seen.length === 0 && others.size === 1 ? [...others][0] : statuses;
    else got[kind] = others.size === 0 || (others.size === 1 && others.has(404)) ? seen.sort() : statuses;
  }
  const want = Object.fromEntries(Object.entries(expected).map(([kind, seen]) => [kind, normalise(seen)]));
  expect(got).toEqual(want);
}

/**
 * What each caller gets from one action, by status: for writes, and for routes refused to some
 * callers as a whole. Each caller of `expected` acts in turn (give each its own target when the
 * action changes it), every status is compared at once, and a refusal must be a problem
 * document. The callers are the cast's kinds or, for an action about the caller's own target
 * (`self`), any names the test gives.
 */
export async function expectStatuses<Caller extends string = CallerKind>(
  act: (caller: Caller) => Promise<Response>,
  expected: Partial<Record<Caller, number>>,
) {
  const got: Partial<Record<Caller, number>> = {};
  const notProblems: string[] = [];
  for (const caller of Object.keys(expected) as Caller[]) {
    const response = await act(caller);
    got[caller] = response.status;
    if (response.status >= 400) await problemOf(response).catch((error: Error) => notProblems.push(`${caller}: ${error.message}`));
  }
  expect(got).toEqual(expected);
  expect(notProblems, "every refusal is a problem document").toEqual([]);
}

/** The ids of a one-page JSON list (`data[].<field>`); a list that pages here is a mistake in the test. */
export function idsOfPage(field = "id") {
  return async (response: Response) => {
    const body = (await response.json()) as { data: Record<string, unknown>[]; nextCursor: string | null };
    expect(body.nextCursor, "the matrix reads one page").toBeNull();
    return body.data.map((item) => String(item[field]));
  };
}

/** The event ids of an iCalendar feed, once each (a series and its moved occurrences share a UID). */
export async function idsOfFeed(response: Response): Promise<string[]> {
  const text = await response.text();
  const uids = [...text.matchAll(/^UID:(.+)@grasrot\r$/gm)].map((match) => match[1] as string);
  return [...new Set(uids)];
}
