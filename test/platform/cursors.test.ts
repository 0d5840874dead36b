/**
 * Every list checks its cursor before using it: a cursor of the wrong arity, with values
 * of the wrong type, not base64url, or not JSON is a 422 on `query.cursor`, never a 500
 * and never a query run with whatever came out of it. Each list is filled with two items,
 * so that a real cursor tells the shape that list hands out, and every wrong cursor is
 * made from that shape.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { committedOpenApi, operatorKey, problemOf, type TestApp, testApp } from "../helpers/app.ts";
import { createActiveMember, createMembershipType, giveMembership, memberToken } from "../helpers/members.ts";
import { tick } from "../mailings/helpers.ts";
import { startReceiver } from "../webhooks/receiver.ts";

const document = parse(committedOpenApi) as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };

/** Every list operation: a GET with a `cursor` query parameter. */
const lists = Object.entries(document.paths)
  .filter(([, ops]) => ops.get?.parameters?.some((p) => p.name === "cursor" && p.in === "query"))
  .map(([path]) => path);

async function created(t: TestApp, method: string, path: string, body: unknown, key?: string): Promise<string> {
  const response = await t.request(method, `/v1/orgs/demo${path}`, { body, key });
  expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** Two items in every list, and the path parameters, key and query that reach each list. */
async function filledLists(t: TestApp) {
  const [anna, bo] = [await createActiveMember(t, { postalCode: "11455" }), await createActiveMember(t)];
  const typeId = await createMembershipType(t);
  await giveMembership(t, anna, typeId, "2025-01-01");
  await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } });
  await created(t, "POST", "/api-keys", { name: "Frontend", role: "staff" });

  const area = await created(t, "POST", "/areas", { name: "North", code: "N", postalCodes: ["11455", "11456"] });
  await created(t, "POST", "/areas", { name: "South", code: "S", postalCodes: ["11800"] });
  const patched = await t.request("PATCH", `/v1/orgs/demo/members/${anna}`, { body: { postalCode: "11800" } });
  expect(patched.status, await patched.clone().text()).toBe(200);

  const group = await created(t, "POST", "/groups", { name: "Readers", kind: "interest" });
  const other = await created(t, "POST", "/groups", { name: "Walkers", kind: "interest" });
  for (const [g, m] of [
    [group, anna],
    [group, bo],
    [other, anna],
  ] as const) {
    await created(t, "POST", `/groups/${g}/members`, { memberId: m, role: "member" });
  }

  const campaign = await created(t, "POST", "/campaigns", { name: "Autumn", startsOn: "2026-11-01", endsOn: "2026-12-31" });
  await created(t, "POST", "/campaigns", { name: "Winter", startsOn: "2027-01-01", endsOn: "2027-02-28" });
  // Two actions of the campaign; two reports of the group, and two of each of its grants, income and expenses.
  const action = await created(t, "POST", `/campaigns/${campaign}/actions`, {
    kind: "petition",
    title: "Close it",
    target: "The minister",
    startsOn: "2026-11-01",
    endsOn: "2026-12-31",
  });
  await created(t, "POST", `/campaigns/${campaign}/actions`, {
    kind: "letter",
    title: "Write",
    target: "The embassy",
    startsOn: "2026-11-02",
    endsOn: "2026-12-31",
  });
  for (const amount of [10, 20]) {
    await created(t, "POST", `/groups/${group}/action-reports`, {
      actionId: action,
      kind: "signatures",
      quantity: amount,
      doneOn: "2026-11-20",
    });
    await created(t, "POST", `/groups/${group}/grants`, { amount, currency: "SEK", purpose: "Stand" });
    await created(t, "POST", `/groups/${group}/income`, { amount, currency: "SEK", receivedOn: "2026-11-20", source: "online" });
    await created(t, "POST", `/groups/${group}/recruitment-links`, {});
    await created(t, "POST", `/groups/${group}/expenses`, { amount, currency: "SEK", spentOn: "2026-11-20", description: "Tape" });
  }
  const event = {
    title: "Meeting",
    kind: "lecture",
    startsAt: "2026-11-28T17:00:00.000Z",
    endsAt: "2026-11-28T19:00:00.000Z",
    timeZone: "Europe/Stockholm",
    visibility: "public",
    campaignId: campaign,
    registration: { mode: "open" },
  };
  const first = await created(t, "POST", "/events", event);
  const second = await created(t, "POST", "/events", {
    ...event,
    startsAt: "2026-12-05T17:00:00.000Z",
    endsAt: "2026-12-05T19:00:00.000Z",
  });
  const series = await created(t, "POST", "/events", {
    ...event,
    campaignId: null,
    registration: undefined,
    recurrence: { rrule: "FREQ=WEEKLY;COUNT=4" },
  });
  // A course with dated sessions, one registration for them all.
  const course = await created(t, "POST", "/events", {
    ...event,
    campaignId: null,
    startsAt: undefined,
    endsAt: undefined,
    sessions: [
      { startsAt: "2026-12-02T17:00:00.000Z", endsAt: "2026-12-02T19:00:00.000Z" },
      { startsAt: "2026-12-09T17:00:00.000Z", endsAt: "2026-12-09T19:00:00.000Z" },
    ],
  });
  for (const memberId of [anna, bo]) await created(t, "POST", `/events/${course}/registrations`, { memberId });
  for (const eventId of [first, second]) await created(t, "POST", `/events/${eventId}/registrations`, { memberId: anna });
  await created(t, "POST", `/events/${first}/registrations`, { memberId: bo });
  // A member meeting: two check-ins, and the register's log with its fixing and one adjustment.
  const meeting = await created(t, "POST", "/events", {
    ...event,
    kind: "member_meeting",
    campaignId: null,
    registration: undefined,
    startsAt: "2026-11-21T17:00:00.000Z",
    endsAt: "2026-11-21T21:00:00.000Z",
  });
  for (const memberId of [anna, bo]) await created(t, "POST", `/events/${meeting}/check-ins`, { memberId });
  await t.request("POST", `/v1/orgs/demo/events/${meeting}/voting-register`, { body: {} });
  const late = await createActiveMember(t);
  await created(t, "POST", `/events/${meeting}/check-ins`, { memberId: late });
  await t.request("POST", `/v1/orgs/demo/events/${meeting}/voting-register/changes`, { body: { memberId: late, change: "add" } });

  const position = await created(t, "POST", "/positions", { title: "Board", seats: 2, termMonths: 24 });
  const otherPosition = await created(t, "POST", "/positions", { title: "Auditor", seats: 1, termMonths: 12 });
  await created(t, "POST", `/positions/${position}/mandates`, { memberId: anna, startsOn: "2026-01-01" });
  await created(t, "POST", `/positions/${position}/mandates`, { memberId: bo, startsOn: "2026-01-01" });
  await created(t, "POST", `/positions/${otherPosition}/mandates`, { memberId: anna, startsOn: "2026-01-01" });

  for (const email of ["bounced@example.org", "complained@example.org"]) {
    await created(t, "POST", "/mail-suppressions", { email, reason: "manual" });
  }
  const mailing = await created(t, "POST", "/mailings", {
    subject: "S",
    text: "Hi",
    category: "statutory",
    audience: { type: "all_members" },
  });
  await created(t, "POST", "/mailings", { subject: "T", text: "Hi", category: "statutory", audience: { type: "all_members" } });
  const scheduled = await t.request("PATCH", `/v1/orgs/demo/mailings/${mailing}`, {
    body: { status: "scheduled", sendAt: "2026-11-21T10:00:00Z" },
  });
  expect(scheduled.status, await scheduled.clone().text()).toBe(200);
  await tick(t, "2026-11-21T10:00:00Z");

  // An election for one seat, counted with two online ballots, for its candidates and its receipts.
  const schedule = (days: number) => new Date(t.clock.now().getTime() + days * 86_400_000).toISOString();
  const [votingOpens, votingCloses] = [schedule(3), schedule(4)];
  const election = await created(t, "POST", "/elections", {
    positionId: otherPosition,
    method: "plurality",
    electorate: { cutoffOn: t.clock.now().toISOString().slice(0, 10) },
    nomination: { opensAt: schedule(0), closesAt: schedule(2) },
    voting: { opensAt: schedule(3), closesAt: schedule(4) },
  });
  await created(t, "POST", "/elections", {
    positionId: position,
    method: "plurality",
    electorate: { cutoffOn: t.clock.now().toISOString().slice(0, 10) },
    nomination: { opensAt: schedule(0), closesAt: schedule(2) },
    voting: { opensAt: schedule(3), closesAt: schedule(4) },
  });
  const announced = await t.request("POST", `/v1/orgs/demo/elections/${election}/transitions`, { body: { to: "nominating" } });
  expect(announced.status, await announced.clone().text()).toBe(200);
  const candidates: string[] = [];
  for (const member of [anna, bo]) {
    candidates.push(await created(t, "POST", `/elections/${election}/candidates`, {}, await memberToken(t, member)));
  }
  t.clock.set(votingOpens);
  for (const [member, choice] of [
    [anna, candidates[0]],
    [bo, candidates[1]],
  ]) {
    const ballot = await t.request("POST", `/v1/orgs/demo/elections/${election}/ballots`, {
      key: await memberToken(t, member as string),
      body: { ranking: [choice] },
    });
    expect(ballot.status, await ballot.clone().text()).toBe(201);
  }
  t.clock.set(votingCloses);
  expect((await t.request("GET", `/v1/orgs/demo/elections/${election}`)).status).toBe(200);

  // Two webhook endpoints, one with two deliveries in its log.
  const receiver = await startReceiver(() => false);
  const webhook = await created(t, "POST", "/webhooks", { url: receiver.url, eventTypes: ["member.updated"] });
  await created(t, "POST", "/webhooks", { url: receiver.url, eventTypes: ["member.erased"] });
  for (const member of [anna, bo]) {
    const changed = await t.request("PATCH", `/v1/orgs/demo/members/${member}`, { body: { city: "Uppsala" } });
    expect(changed.status, await changed.clone().text()).toBe(200);
  }

  // Two programme areas, two partners, and two contact persons of the first.
  await created(t, "POST", "/programme-areas", { name: "Democracy" });
  await created(t, "POST", "/programme-areas", { name: "Capacity" });
  const partner = await created(t, "POST", "/partners", { name: "Partido Winaq", kind: "party" });
  await created(t, "POST", "/partners", { name: "Forum Syd", kind: "ngo" });
  for (const person of [anna, bo])
    expect((await t.request("PUT", `/v1/orgs/demo/partners/${partner}/contacts/${person}`)).status).toBe(200);

  const params: Record<string, string> = {
    "/partners/{id}": partner,
    "/members/{id}": anna,
    "/areas/{id}": area,
    "/groups/{id}": group,
    "/events/{id}/occurrences": series,
    "/events/{id}/registrations": first,
    "/events/{id}/check-ins": meeting,
    "/events/{id}/voting-register": meeting,
    "/events/{id}/sessions": course,
    "/campaigns/{id}": campaign,
    "/positions/{id}": position,
    "/elections/{id}": election,
    "/mailings/{id}": mailing,
    "/webhooks/{id}": webhook,
  };
  const range = "from=2026-11-01T00:00:00Z&to=2027-03-01T00:00:00Z";
  const member = await memberToken(t, anna);
  return (path: string) => {
    const id = Object.entries(params).find(([prefix]) => path.includes(prefix))?.[1];
    return {
      url: path
        .replace("{org}", "demo")
        .replace("{id}", id ?? "{id}")
        .replace("{sessionStart}", "2026-12-02T17:00:00.000Z"),
      key: path === "/v1/orgs" ? operatorKey : path.includes("/me/") ? member : undefined,
      query: path.endsWith("/events") || path.endsWith("/occurrences") || path.endsWith("/me/calendar") ? `${range}&` : "",
    };
  };
}

const base64url = (text: string | Uint8Array) =>
  btoa(String.fromCharCode(...(typeof text === "string" ? new TextEncoder().encode(text) : text)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** Cursors that no list handed out, made from the shape of one it did. */
function wrongCursors(shape: unknown[]): Record<string, string> {
  const flip = (value: unknown) => (typeof value === "number" ? "a" : 1);
  const cursors: Record<string, string> = {
    "one value more": base64url(JSON.stringify([...shape, shape[0]])),
    "one value fewer": base64url(JSON.stringify(shape.slice(0, -1))),
    "not base64url": "%25%25%25",
    "base64 with padding and +": "WyJhIl0=+",
    "not JSON": base64url("not json"),
    "truncated JSON": base64url(JSON.stringify(shape).slice(0, -1)),
    "not UTF-8": base64url(new Uint8Array([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d])),
    "an object": base64url(JSON.stringify({ after: shape[0] })),
    "a bare value": base64url(JSON.stringify(shape[0])),
    "a number too large for a double": base64url(`[${shape.map(() => "1e400").join(",")}]`),
  };
  shape.forEach((value, index) => {
    for (const [name, wrong] of [
      ["the other type", flip(value)],
      ["null", null],
      ["a boolean", true],
      ["an object", {}],
      ["an array", [value]],
    ] as const) {
      const values = [...shape];
      values[index] = wrong;
      cursors[`${name} at position ${index + 1}`] = base64url(JSON.stringify(values));
    }
  });
  return cursors;
}

describe("list cursors", () => {
  it("are checked for shape and type by every list: anything else is a 422 on query.cursor", async () => {
    const t = await testApp({ webhooksAllowPrivate: true });
    const reach = await filledLists(t);
    expect(lists.length).toBeGreaterThan(25);
    const wrong: string[] = [];
    let checked = 0;
    for (const path of lists) {
      const { url, key, query } = reach(path);
      const first = await t.request("GET", `${url}?${query}limit=1`, { key });
      expect(first.status, `GET ${url}: ${await first.clone().text()}`).toBe(200);
      const { nextCursor } = (await first.json()) as { nextCursor: string | null };
      expect(nextCursor, `GET ${url} needs two items in this test`).not.toBeNull();
      const shape = JSON.parse(
        new TextDecoder().decode(
          Uint8Array.from(atob((nextCursor as string).replaceAll("-", "+").replaceAll("_", "/")), (ch) => ch.charCodeAt(0)),
        ),
      ) as unknown[];

      const next = await t.request("GET", `${url}?${query}limit=1&cursor=${nextCursor}`, { key });
      expect(next.status, `GET ${url} with its own cursor`).toBe(200);
      for (const [what, cursor] of Object.entries(wrongCursors(shape))) {
        const response = await t.request("GET", `${url}?${query}limit=1&cursor=${cursor}`, { key });
        checked++;
        const problem = response.status >= 400 ? await problemOf(response) : undefined;
        if (response.status !== 422 || problem?.errors?.[0]?.field !== "query.cursor") {
          wrong.push(`GET ${url} with ${what} (${JSON.stringify(shape)}) → ${response.status} ${problem?.detail ?? ""}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(lists.length * 15);
  }, 120_000);

  it("answer the reported cursor ['a'] on a mailing's deliveries with 422, not 500", async () => {
    const t = await testApp();
    await createActiveMember(t);
    const mailing = await created(t, "POST", "/mailings", {
      subject: "S",
      text: "Hi",
      category: "statutory",
      audience: { type: "all_members" },
    });
    const response = await t.request("GET", `/v1/orgs/demo/mailings/${mailing}/deliveries?cursor=WyJhIl0`);
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors).toEqual([{ field: "query.cursor", message: expect.any(String) }]);
  });
});
