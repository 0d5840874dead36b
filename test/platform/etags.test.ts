/**
 * ETags and If-Match, for every operation of the OpenAPI document. Every GET of a single
 * resource answers a strong ETag. Every PATCH, PUT and DELETE, and every POST that changes
 * an existing resource, answers 412 `precondition_failed` to an If-Match that is stale or
 * weak (If-Match compares strongly) and then changes nothing, succeeds with the current
 * ETag and with `*`, and lets only one of two concurrent requests with the same ETag
 * through. An operation added to the API fails here until it is one of those, or is
 * listed as exempt with the reason (etag-cases.ts).
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { committedOpenApi, problemOf, snapshot, testApp } from "../helpers/app.ts";
import { createActiveMember, memberToken } from "../helpers/members.ts";
import { conditionalWrites, readsWithoutEtag, unconditionalPosts, world } from "./etag-cases.ts";

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema> };
type Response = { headers?: Record<string, unknown>; content?: Record<string, { schema: Schema }> };
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, Response>;
};
const document = parse(committedOpenApi) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op, id: op.operationId })),
);

const resolve = (schema: Schema | undefined) =>
  schema?.$ref ? document.components.schemas[schema.$ref.split("/").pop() as string] : schema;

/** A list answers `{ data: [...] }` (with `nextCursor` when paginated). */
function isList(op: Operation): boolean {
  const schema = resolve(op.responses["200"]?.content?.["application/json"]?.schema);
  return resolve(schema?.properties?.data)?.type === "array";
}

const singleReads = operations.filter((o) => o.method === "GET" && !isList(o.op) && !(o.id in readsWithoutEtag));
const writes = operations.filter((o) => o.method !== "GET" && !(o.id in unconditionalPosts));
const strongTag = /^"[\x21\x23-\x7e]+"$/;

/** Tags that cannot match the current one: another version, the same one weak, and a list of such. */
function staleTags(current: string): string[] {
  const version = /^"(\d+)"$/.exec(current)?.[1];
  const other = version === undefined ? '"stale"' : `"${Number(version) + 1}"`;
  return [other, `W/${current}`, `${other}, W/${current}`];
}

describe("conditional requests on every operation", () => {
  it("knows every write, and exempts only operations that exist: GETs from the ETag, POSTs from If-Match", () => {
    const ids = new Set(operations.map((o) => o.id));
    expect(writes.map((o) => o.id).filter((id) => !(id in conditionalWrites))).toEqual([]);
    for (const id of [...Object.keys(conditionalWrites), ...Object.keys(unconditionalPosts), ...Object.keys(readsWithoutEtag)]) {
      expect(ids.has(id), `${id} is not an operation of the document`).toBe(true);
    }
    // Nothing that updates or deletes may opt out: only POSTs are exempt from If-Match.
    const exempt = operations.filter((o) => o.id in unconditionalPosts).map((o) => `${o.method} ${o.id}`);
    expect(exempt.filter((entry) => !entry.startsWith("POST "))).toEqual([]);
    const unread = operations.filter((o) => o.id in readsWithoutEtag).map((o) => `${o.method} ${o.id}`);
    expect(unread.filter((entry) => !entry.startsWith("GET "))).toEqual([]);
  });

  it("documents the ETag of every single read and If-Match, 412 and the new ETag of every write", () => {
    const missing: string[] = [];
    for (const { id, op } of singleReads) if (!op.responses["200"]?.headers?.ETag) missing.push(`${id}: 200 has no ETag header`);
    for (const { id, op } of writes) {
      if (!op.parameters?.some((p) => p.in === "header" && p.name === "If-Match")) missing.push(`${id}: no If-Match header`);
      if (!op.responses["412"]) missing.push(`${id}: no 412 response`);
      for (const status of ["200", "201"]) {
        const response = op.responses[status];
        if (response && !response.headers?.ETag) missing.push(`${id}: ${status} has no ETag header`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("answers a strong ETag to every GET of a single resource", async () => {
    const t = await testApp();
    const { paths } = await world(t);
    const failures: string[] = [];
    for (const { id } of singleReads) {
      const target = paths[id];
      if (!target) {
        failures.push(`${id}: no case reads it (etag-cases.ts)`);
        continue;
      }
      const response = await t.request("GET", target.path, { key: target.key });
      const tag = response.headers.get("ETag");
      if (response.status !== 200) failures.push(`${id}: ${response.status} ${await response.text()}`);
      else if (!tag || !strongTag.test(tag)) failures.push(`${id}: ETag ${tag}`);
    }
    expect(failures).toEqual([]);
  });

  it.each(writes.map((o) => [o.id, o] as const))(
    "%s: 412 for a stale or weak If-Match, changing nothing; success with the current ETag",
    async (id) => {
      const t = await testApp();
      const fixture = await conditionalWrites[id]?.(t);
      if (!fixture) throw new Error(`no case for ${id}`);
      const current = await fixture.etag();
      expect(current).toMatch(strongTag);
      const before = await snapshot(t.database);
      for (const tag of staleTags(current)) {
        const refused = await fixture.send(tag);
        expect(refused.status, `If-Match: ${tag}: ${await refused.clone().text()}`).toBe(412);
        expect((await problemOf(refused)).code).toBe("precondition_failed");
        expect(await snapshot(t.database), `If-Match: ${tag} changed something`).toBe(before);
      }
      const done = await fixture.send(current);
      expect(done.status, await done.clone().text()).toBeLessThan(300);
      if (done.status !== 204) {
        const next = done.headers.get("ETag");
        expect(next).toMatch(strongTag);
        expect(next).not.toBe(current);
      }
      if (!fixture.removes) {
        // What was current is stale now: the write moved the version on.
        const after = await snapshot(t.database);
        const again = await fixture.send(current);
        expect(again.status, await again.clone().text()).toBe(412);
        expect(await snapshot(t.database)).toBe(after);
      }
    },
  );

  it.each(writes.map((o) => [o.id] as const))("%s: If-Match * matches the existing resource", async (id) => {
    const t = await testApp();
    const fixture = await conditionalWrites[id]?.(t);
    if (!fixture) throw new Error(`no case for ${id}`);
    const done = await fixture.send("*");
    expect(done.status, await done.clone().text()).toBeLessThan(300);
  });

  it.each(writes.map((o) => [o.id] as const))("%s: of two concurrent writes with the same ETag, one wins", async (id) => {
    const t = await testApp();
    const fixture = await conditionalWrites[id]?.(t);
    if (!fixture) throw new Error(`no case for ${id}`);
    const current = await fixture.etag();
    const statuses = (await Promise.all([fixture.send(current), fixture.send(current)])).map((r) => r.status).sort();
    expect(statuses[0]).toBeLessThan(300);
    // The loser meets the new version (412), or nothing left to write when the winner removed it (404).
    expect(fixture.removes ? [404, 412] : [412]).toContain(statuses[1]);
  });
});

describe("If-Match", () => {
  it("takes a list of ETags and applies when one of them is current", async () => {
    const t = await testApp();
    const path = `/v1/orgs/${t.org}`;
    const listed = await t.request("PATCH", path, { body: { name: "Listed" }, headers: { "If-Match": '"7", W/"1", "1"' } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("ETag")).toBe('"2"');
    const none = await t.request("PATCH", path, { body: { name: "None" }, headers: { "If-Match": '"1", W/"2"' } });
    expect(none.status).toBe(412);
  });

  it("refuses a weak ETag on a group update, as strong comparison demands", async () => {
    const t = await testApp();
    const group = await t.request("POST", `/v1/orgs/${t.org}/groups`, { body: { name: "Circle", kind: "interest" } });
    const path = group.headers.get("Location") as string;
    const weak = await t.request("PATCH", path, { body: { name: "Weak" }, headers: { "If-Match": `W/${group.headers.get("ETag")}` } });
    expect(weak.status).toBe(412);
    expect(((await (await t.request("GET", path)).json()) as { name: string }).name).toBe("Circle");
  });

  it("gives the contact view of a member the member's ETag too", async () => {
    const t = await testApp();
    const group = await t.request("POST", `/v1/orgs/${t.org}/groups`, { body: { name: "Circle", kind: "interest" } });
    const groupPath = group.headers.get("Location") as string;
    const [leader, member] = [await createActiveMember(t), await createActiveMember(t)];
    for (const [memberId, role] of [
      [leader, "convener"],
      [member, "member"],
    ]) {
      expect((await t.request("POST", `${groupPath}/members`, { body: { memberId, role } })).status).toBe(201);
    }
    const asKey = await t.request("GET", `/v1/orgs/${t.org}/members/${member}`);
    const asLeader = await t.request("GET", `/v1/orgs/${t.org}/members/${member}`, { key: await memberToken(t, leader) });
    expect(asLeader.status).toBe(200);
    expect(asLeader.headers.get("ETag")).toBe(asKey.headers.get("ETag"));
  });

  it("keeps a roster entry's ETag moving across role changes, removal and rejoining", async () => {
    const t = await testApp();
    const group = await t.request("POST", `/v1/orgs/${t.org}/groups`, { body: { name: "Circle", kind: "interest" } });
    const groupPath = group.headers.get("Location") as string;
    const memberId = await createActiveMember(t);
    const entry = `${groupPath}/members/${memberId}`;
    const seen: (string | null)[] = [];
    const added = await t.request("POST", `${groupPath}/members`, { body: { memberId, role: "member" } });
    seen.push(added.headers.get("ETag"));
    seen.push((await t.request("PATCH", entry, { body: { role: "contact_person" } })).headers.get("ETag"));
    expect((await t.request("DELETE", entry)).status).toBe(204);
    seen.push((await t.request("POST", `${groupPath}/members`, { body: { memberId, role: "member" } })).headers.get("ETag"));
    expect(new Set(seen).size).toBe(3);
    // The first ETag, though the entry is again a plain member, is stale.
    expect((await t.request("PATCH", entry, { body: { role: "convener" }, headers: { "If-Match": seen[0] as string } })).status).toBe(412);
  });

  it("never gives a calendar token's ETag again after revoking and issuing anew", async () => {
    const t = await testApp();
    const token = await memberToken(t, await createActiveMember(t));
    const path = `/v1/orgs/${t.org}/me/calendar-token`;
    const first = (await t.request("POST", path, { key: token })).headers.get("ETag");
    expect((await t.request("DELETE", path, { key: token })).status).toBe(204);
    expect((await t.request("GET", path, { key: token })).status).toBe(404);
    const second = (await t.request("POST", path, { key: token })).headers.get("ETag");
    expect(second).not.toBe(first);
    expect((await t.request("DELETE", path, { key: token, headers: { "If-Match": first as string } })).status).toBe(412);
    // With If-Match and no token at all there is nothing to match.
    expect((await t.request("DELETE", path, { key: token })).status).toBe(204);
    expect((await t.request("DELETE", path, { key: token, headers: { "If-Match": "*" } })).status).toBe(412);
  });
});
