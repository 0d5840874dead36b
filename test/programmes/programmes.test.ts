import { describe, expect, it } from "vitest";
import { json, operatorKey, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, memberToken } from "../helpers/members.ts";
import { createPartner, createProgrammeArea } from "./helpers.ts";

const base = (t: TestApp) => `/v1/orgs/${t.org}`;
const missing = "0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f";

const eventBody = (fields: Record<string, unknown> = {}) => ({
  title: "Exchange",
  kind: "other",
  startsAt: "2027-02-01T09:00:00.000Z",
  endsAt: "2027-02-01T17:00:00.000Z",
  timeZone: "Europe/Stockholm",
  visibility: "public",
  ...fields,
});

describe("programme areas", () => {
  it("are created by staff, listed by name, updated with If-Match and deleted without taking what was in them", async () => {
    const t = await testApp();
    const created = await t.request("POST", `${base(t)}/programme-areas`, {
      body: { name: "Extended democracy", description: "Parties and movements", startsOn: "2026-01-01", endsOn: "2028-12-31" },
    });
    const area = await json<{ id: string; version: number }>(created, 201);
    expect(created.headers.get("Location")).toBe(`${base(t)}/programme-areas/${area.id}`);
    expect(created.headers.get("ETag")).toBe('"1"');
    await createProgrammeArea(t, { name: "Capacity building" });
    const list = await json<{ data: { name: string }[] }>(await t.request("GET", `${base(t)}/programme-areas`), 200);
    expect(list.data.map((a) => a.name)).toEqual(["Capacity building", "Extended democracy"]);

    const stale = await t.request("PATCH", `${base(t)}/programme-areas/${area.id}`, {
      body: { name: "X" },
      headers: { "If-Match": '"2"' },
    });
    expect(stale.status).toBe(412);
    const backwards = await t.request("PATCH", `${base(t)}/programme-areas/${area.id}`, { body: { endsOn: "2025-12-31" } });
    expect((await problemOf(backwards)).errors?.[0]?.field).toBe("body.endsOn");
    const renamed = await json<{ name: string; version: number }>(
      await t.request("PATCH", `${base(t)}/programme-areas/${area.id}`, { body: { name: "Democracy" }, headers: { "If-Match": '"1"' } }),
      200,
    );
    expect(renamed).toMatchObject({ name: "Democracy", version: 2 });

    const event = await json<{ id: string }>(
      await t.request("POST", `${base(t)}/events`, { body: eventBody({ programmeAreaIds: [area.id] }) }),
      201,
    );
    expect((await t.request("DELETE", `${base(t)}/programme-areas/${area.id}`)).status).toBe(204);
    const after = await json<{ programmeAreaIds: string[] }>(await t.request("GET", `${base(t)}/events/${event.id}`), 200);
    expect(after.programmeAreaIds).toEqual([]);
    expect((await t.request("GET", `${base(t)}/programme-areas/${area.id}`)).status).toBe(404);
  });

  it("hold events, campaigns and groups, which their lists filter by; an unknown area is a 422 and changes nothing", async () => {
    const t = await testApp();
    const democracy = await createProgrammeArea(t, { name: "Democracy" });
    const capacity = await createProgrammeArea(t, { name: "Capacity" });
    const partner = await createPartner(t, { name: "Partido Winaq", country: "GT" });

    const training = await json<{ id: string; programmeAreaIds: string[]; partners: unknown[]; country: string | null; version: number }>(
      await t.request("POST", `${base(t)}/events`, {
        body: eventBody({ kind: "training", country: "gt", programmeAreaIds: [democracy, capacity], partnerIds: [partner] }),
      }),
      201,
    );
    expect(training.programmeAreaIds.sort()).toEqual([democracy, capacity].sort());
    expect(training.partners).toEqual([{ id: partner, name: "Partido Winaq" }]);
    expect(training.country).toBe("GT");
    const other = await json<{ id: string }>(await t.request("POST", `${base(t)}/events`, { body: eventBody({ title: "Other" }) }), 201);

    const campaign = await json<{ id: string; programmeAreaIds: string[]; partners: unknown[] }>(
      await t.request("POST", `${base(t)}/campaigns`, {
        body: { name: "Summer", startsOn: "2027-06-01", endsOn: "2027-08-31", programmeAreaIds: [capacity], partnerIds: [partner] },
      }),
      201,
    );
    expect(campaign.programmeAreaIds).toEqual([capacity]);
    expect(campaign.partners).toEqual([{ id: partner, name: "Partido Winaq" }]);
    await json(
      await t.request("POST", `${base(t)}/campaigns`, { body: { name: "Autumn", startsOn: "2027-09-01", endsOn: "2027-10-31" } }),
      201,
    );

    const group = await json<{ id: string; programmeAreaIds: string[] }>(
      await t.request("POST", `${base(t)}/groups`, { body: { name: "Youth", kind: "local", programmeAreaIds: [democracy] } }),
      201,
    );
    expect(group.programmeAreaIds).toEqual([democracy]);
    await json(await t.request("POST", `${base(t)}/groups`, { body: { name: "Elders", kind: "local" } }), 201);

    const range = "from=2027-01-01T00:00:00Z&to=2027-12-31T00:00:00Z";
    const events = await json<{ data: { id: string }[] }>(
      await t.request("GET", `${base(t)}/events?${range}&programmeArea=${capacity}`),
      200,
    );
    expect(events.data.map((e) => e.id)).toEqual([training.id]);
    const all = await json<{ data: { id: string }[] }>(await t.request("GET", `${base(t)}/events?${range}`), 200);
    expect(all.data.map((e) => e.id).sort()).toEqual([training.id, other.id].sort());
    const campaigns = await json<{ data: { id: string; programmeAreaIds: string[] }[] }>(
      await t.request("GET", `${base(t)}/campaigns?programmeArea=${capacity}`),
      200,
    );
    expect(campaigns.data.map((c) => [c.id, c.programmeAreaIds])).toEqual([[campaign.id, [capacity]]]);
    const groups = await json<{ data: { id: string }[] }>(await t.request("GET", `${base(t)}/groups?programmeArea=${democracy}`), 200);
    expect(groups.data.map((g) => g.id)).toEqual([group.id]);

    // Replacing the lists with PATCH; a stale If-Match changes neither the event nor its links.
    const patched = await json<{ programmeAreaIds: string[]; partners: unknown[] }>(
      await t.request("PATCH", `${base(t)}/events/${training.id}`, { body: { programmeAreaIds: [democracy], partnerIds: [] } }),
      200,
    );
    expect(patched).toMatchObject({ programmeAreaIds: [democracy], partners: [] });
    const stale = await t.request("PATCH", `${base(t)}/events/${training.id}`, {
      body: { programmeAreaIds: [capacity] },
      headers: { "If-Match": `"${training.version}"` },
    });
    expect(stale.status).toBe(412);
    const groupPatched = await json<{ programmeAreaIds: string[] }>(
      await t.request("PATCH", `${base(t)}/groups/${group.id}`, { body: { programmeAreaIds: [capacity, democracy] } }),
      200,
    );
    expect(groupPatched.programmeAreaIds.sort()).toEqual([democracy, capacity].sort());
    const read = await json<{ programmeAreaIds: string[] }>(await t.request("GET", `${base(t)}/events/${training.id}`), 200);
    expect(read.programmeAreaIds).toEqual([democracy]);

    const before = await snapshot(t.database);
    const refusals: [string, string, unknown, string][] = [
      ["POST", "/events", eventBody({ programmeAreaIds: [missing] }), "body.programmeAreaIds.0"],
      ["POST", "/events", eventBody({ partnerIds: [partner, missing] }), "body.partnerIds.1"],
      ["POST", "/events", eventBody({ country: "Sweden" }), "body.country"],
      ["PATCH", `/events/${training.id}`, { programmeAreaIds: [missing] }, "body.programmeAreaIds.0"],
      ["POST", "/campaigns", { name: "C", startsOn: "2027-01-01", endsOn: "2027-01-02", partnerIds: [missing] }, "body.partnerIds.0"],
      ["PATCH", `/campaigns/${campaign.id}`, { programmeAreaIds: ["nope"] }, "body.programmeAreaIds.0"],
      ["POST", "/groups", { name: "G", kind: "local", programmeAreaIds: [missing] }, "body.programmeAreaIds.0"],
      ["PATCH", `/groups/${group.id}`, { programmeAreaIds: [missing] }, "body.programmeAreaIds.0"],
      ["GET", `/events?${range}&programmeArea=${missing}`, undefined, "query.programmeArea"],
      ["GET", `/campaigns?programmeArea=${missing}`, undefined, "query.programmeArea"],
      ["GET", `/groups?programmeArea=${missing}`, undefined, "query.programmeArea"],
      ["GET", `/partners?programmeArea=${missing}`, undefined, "query.programmeArea"],
      ["GET", "/programme-areas?name=x", undefined, "query.name"],
    ];
    for (const [method, path, body, field] of refusals) {
      const response = await t.request(method, `${base(t)}${path}`, { body });
      expect(response.status, `${method} ${path}`).toBe(422);
      expect(
        (await problemOf(response)).errors?.map((e) => e.field),
        `${method} ${path}`,
      ).toContain(field);
    }
    expect(await snapshot(t.database)).toBe(before);
  });
});

describe("partner organisations", () => {
  it("carry kind, country, website, areas and dated relations; list filters; deleting one keeps its people", async () => {
    const t = await testApp();
    const area = await createProgrammeArea(t, { name: "Democracy" });
    const created = await t.request("POST", `${base(t)}/partners`, {
      body: {
        name: "Partido Winaq",
        kind: "party",
        country: "gt",
        website: "https://winaq.org.gt",
        notes: "Met at the 2026 forum.\nSpeaks K'iche'.",
        programmeAreaIds: [area],
        relations: [
          { kind: "partner", from: "2024-01-01", to: null },
          { kind: "funder", from: "2025-01-01", to: "2025-12-31" },
        ],
      },
    });
    const partner = await json<Record<string, unknown> & { id: string }>(created, 201);
    expect(partner).toMatchObject({
      name: "Partido Winaq",
      kind: "party",
      country: "GT",
      website: "https://winaq.org.gt",
      programmeAreaIds: [area],
      relations: [
        { kind: "partner", from: "2024-01-01", to: null },
        { kind: "funder", from: "2025-01-01", to: "2025-12-31" },
      ],
      version: 1,
    });
    const network = await createPartner(t, { name: "Progressive Alliance", kind: "network", country: "DE" });
    const list = async (query: string) =>
      (await json<{ data: { id: string }[] }>(await t.request("GET", `${base(t)}/partners?${query}`), 200)).data.map((p) => p.id);
    expect(await list("")).toEqual([partner.id, network]);
    expect(await list("kind=network")).toEqual([network]);
    expect(await list("country=gt")).toEqual([partner.id]);
    expect(await list(`programmeArea=${area}`)).toEqual([partner.id]);

    const before = await snapshot(t.database);
    for (const [body, field] of [
      [{ name: "X", kind: "club" }, "body.kind"],
      [{ name: "X", kind: "ngo", relations: [{ kind: "partner", from: "2025-02-01", to: "2025-01-01" }] }, "body.relations.0.to"],
      [{ name: "X", kind: "ngo", website: "ftp://x" }, "body.website"],
      [{ name: "X", kind: "ngo", programmeAreaIds: [missing] }, "body.programmeAreaIds.0"],
      [{ name: "X\u0007", kind: "ngo" }, "body.name"],
    ] as const) {
      const response = await t.request("POST", `${base(t)}/partners`, { body });
      expect(response.status).toBe(422);
      expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    }
    expect(await snapshot(t.database)).toBe(before);

    const updated = await json<{ relations: unknown[]; programmeAreaIds: string[]; version: number }>(
      await t.request("PATCH", `${base(t)}/partners/${partner.id}`, {
        body: { relations: [{ kind: "network_membership" }], programmeAreaIds: [] },
        headers: { "If-Match": '"1"' },
      }),
      200,
    );
    expect(updated).toMatchObject({ relations: [{ kind: "network_membership", from: null, to: null }], programmeAreaIds: [], version: 2 });

    const person = await createMember(t, { name: "Ana Tzul" });
    await json(await t.request("PUT", `${base(t)}/partners/${partner.id}/contacts/${person}`), 200);
    const event = await json<{ id: string }>(
      await t.request("POST", `${base(t)}/events`, { body: eventBody({ partnerIds: [partner.id] }) }),
      201,
    );
    expect((await t.request("DELETE", `${base(t)}/partners/${partner.id}`, { headers: { "If-Match": '"1"' } })).status).toBe(412);
    expect((await t.request("DELETE", `${base(t)}/partners/${partner.id}`, { headers: { "If-Match": '"2"' } })).status).toBe(204);
    const read = await json<{ partners: unknown[] }>(await t.request("GET", `${base(t)}/events/${event.id}`), 200);
    expect(read.partners).toEqual([]);
    const stillThere = await json<{ name: string }>(await t.request("GET", `${base(t)}/members/${person}`), 200);
    expect(stillThere.name).toBe("Ana Tzul");
    const [row] = (await t.database.client.execute({ sql: "SELECT partner_id FROM members WHERE id = ?", args: [person] })).rows;
    expect(row?.partner_id).toBeNull();
  });

  it("have contact persons: members or contacts linked to them, moved from another partner, listed by name", async () => {
    const t = await testApp();
    const winaq = await createPartner(t, { name: "Partido Winaq" });
    const fmln = await createPartner(t, { name: "FMLN" });
    const ana = await createMember(t, { name: "Ana Tzul", email: "ana@winaq.example", phone: "+502 5555 1234" });
    const bo = await createMember(t, { name: "Bo Ek" });
    const contacts = async (partner: string) =>
      (await json<{ data: { id: string; name: string }[] }>(await t.request("GET", `${base(t)}/partners/${partner}/contacts`), 200)).data;

    const added = await json(await t.request("PUT", `${base(t)}/partners/${winaq}/contacts/${ana}`), 200);
    expect(added).toEqual({ id: ana, name: "Ana Tzul", email: "ana@winaq.example", phone: "+502 5555 1234", enrolled: true });
    await json(await t.request("PUT", `${base(t)}/partners/${winaq}/contacts/${ana}`), 200);
    await json(await t.request("PUT", `${base(t)}/partners/${fmln}/contacts/${bo}`), 200);
    expect((await contacts(winaq)).map((c) => c.name)).toEqual(["Ana Tzul"]);
    // A person belongs to one partner: adding Bo to Winaq moves him.
    await json(await t.request("PUT", `${base(t)}/partners/${winaq}/contacts/${bo}`), 200);
    expect((await contacts(winaq)).map((c) => c.name)).toEqual(["Ana Tzul", "Bo Ek"]);
    expect(await contacts(fmln)).toEqual([]);

    expect((await t.request("DELETE", `${base(t)}/partners/${fmln}/contacts/${ana}`)).status).toBe(404);
    expect((await t.request("PUT", `${base(t)}/partners/${winaq}/contacts/${missing}`)).status).toBe(404);
    expect((await t.request("PUT", `${base(t)}/partners/${winaq}/contacts/not-an-id`)).status).toBe(422);
    expect((await t.request("DELETE", `${base(t)}/partners/${winaq}/contacts/${ana}`)).status).toBe(204);
    expect((await contacts(winaq)).map((c) => c.name)).toEqual(["Bo Ek"]);
  });

  it("are shown by name on the events members can see, and listed per partner with what was done together", async () => {
    const t = await testApp();
    const winaq = await createPartner(t, { name: "Partido Winaq", country: "GT" });
    const syd = await createPartner(t, { name: "Forum Syd", kind: "ngo", country: "SE" });
    await createPartner(t, { name: "Idle partner" });
    const school = await json<{ id: string }>(
      await t.request("POST", `${base(t)}/events`, {
        body: eventBody({
          title: "Politician school",
          country: "GT",
          partnerIds: [winaq, syd],
          startsAt: "2027-03-01T14:00:00.000Z",
          endsAt: "2027-03-05T22:00:00.000Z",
        }),
      }),
      201,
    );
    await json(
      await t.request("POST", `${base(t)}/events`, {
        body: eventBody({
          title: "Last year's school",
          partnerIds: [winaq],
          startsAt: "2026-12-01T14:00:00.000Z",
          endsAt: "2026-12-01T18:00:00.000Z",
        }),
      }),
      201,
    );
    const cancelled = await json<{ id: string }>(
      await t.request("POST", `${base(t)}/events`, { body: eventBody({ title: "Cancelled", partnerIds: [syd] }) }),
      201,
    );
    await json(await t.request("PATCH", `${base(t)}/events/${cancelled.id}`, { body: { status: "cancelled" } }), 200);
    const campaign = await json<{ id: string }>(
      await t.request("POST", `${base(t)}/campaigns`, {
        body: { name: "Solidarity", startsOn: "2027-05-01", endsOn: "2027-05-31", partnerIds: [syd] },
      }),
      201,
    );

    const member = await memberToken(t, await createMember(t));
    const seen = await json<{ partners: { id: string; name: string }[] }>(
      await t.request("GET", `${base(t)}/events/${school.id}`, { key: member }),
      200,
    );
    expect(seen.partners).toEqual([
      { id: syd, name: "Forum Syd" },
      { id: winaq, name: "Partido Winaq" },
    ]);
    expect((await t.request("GET", `${base(t)}/partners/${winaq}`, { key: member })).status).toBe(403);

    const report = await json<{
      partners: { partnerId: string; events: { eventId: string; country: string | null }[]; campaigns: { campaignId: string }[] }[];
    }>(await t.request("GET", `${base(t)}/reports/partners?from=2027-01-01&to=2027-12-31`), 200);
    expect(
      report.partners.map((p) => [p.partnerId, p.events.map((e) => [e.eventId, e.country]), p.campaigns.map((c) => c.campaignId)]),
    ).toEqual([
      [syd, [[school.id, "GT"]], [campaign.id]],
      [winaq, [[school.id, "GT"]], []],
    ]);
    const backwards = await t.request("GET", `${base(t)}/reports/partners?from=2027-12-31&to=2027-01-01`);
    expect((await problemOf(backwards)).errors?.[0]?.field).toBe("query.to");
  });
});

describe("tenancy", () => {
  it("never lets another organisation reach our programme areas, partners or their contacts (404), nor name them (422)", async () => {
    const t = await testApp();
    const area = await createProgrammeArea(t);
    const partner = await createPartner(t);
    const person = await createMember(t);
    await json(await t.request("PUT", `${base(t)}/partners/${partner}/contacts/${person}`), 200);
    const other = await json<{ adminKey: { secret: string } }>(
      await t.request("POST", "/v1/orgs", { key: operatorKey, body: { slug: "other", name: "Other" } }),
      201,
    );
    const key = other.adminKey.secret;
    const asThem = (method: string, path: string, body?: unknown) => t.request(method, `/v1/orgs/other${path}`, { key, body });
    const statuses = [
      (await asThem("GET", `/programme-areas/${area}`)).status,
      (await asThem("PATCH", `/programme-areas/${area}`, { name: "Theirs" })).status,
      (await asThem("DELETE", `/programme-areas/${area}`)).status,
      (await asThem("GET", `/partners/${partner}`)).status,
      (await asThem("PATCH", `/partners/${partner}`, { name: "Theirs" })).status,
      (await asThem("DELETE", `/partners/${partner}`)).status,
      (await asThem("GET", `/partners/${partner}/contacts`)).status,
      (await asThem("DELETE", `/partners/${partner}/contacts/${person}`)).status,
      (await t.request("GET", `/v1/orgs/demo/partners/${partner}`, { key })).status,
      (await t.request("GET", "/v1/orgs/demo/reports/participation?from=2027-01-01&to=2027-12-31", { key })).status,
    ];
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    const theirPartner = (await json<{ id: string }>(await asThem("POST", "/partners", { name: "Theirs", kind: "ngo" }), 201)).id;
    // Our person cannot become their contact; our area and partner cannot be named in their events or reports.
    expect((await asThem("PUT", `/partners/${theirPartner}/contacts/${person}`)).status).toBe(404);
    const named = await asThem("POST", "/events", eventBody({ programmeAreaIds: [area], partnerIds: [partner] }));
    expect(named.status).toBe(422);
    expect((await asThem("GET", `/reports/participation?from=2027-01-01&to=2027-12-31&partner=${partner}`)).status).toBe(422);
    const theirs = await json<{ data: unknown[] }>(await asThem("GET", "/programme-areas"), 200);
    expect(theirs.data).toEqual([]);
  });
});
