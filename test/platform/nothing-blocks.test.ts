/**
 * One long request must not stall the others: the embedded database answers on the event
 * loop, so an export or an import that never gives way would hold every other request of
 * every organisation until it ends. Served over real sockets (@hono/node-server, as
 * `npm start` serves), since only there does a waiting request need the event loop to turn.
 * Asserted by the order of events on the server, never by time.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { votingElection } from "../elections/helpers.ts";
import { type TestApp, testApp } from "../helpers/app.ts";

type Server = ReturnType<typeof serve>;
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/**
 * The app on a free port, logging when the health check is answered and when the long
 * request's response ends. `longBegun` settles once the long request's body has been
 * received and the app starts on it: from then on, only the app's own giving way lets
 * another request in.
 */
async function served(t: TestApp, longPath?: string) {
  const events: string[] = [];
  let begin = () => {};
  const longBegun = new Promise<void>((resolve) => {
    begin = resolve;
  });
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path !== longPath) {
      const response = await t.app.fetch(request);
      if (path === "/v1/health") events.push("health answered");
      return response;
    }
    const body = request.method === "GET" ? undefined : await request.arrayBuffer();
    const received = new Request(request.url, { method: request.method, headers: request.headers, body });
    begin();
    const response = await t.app.fetch(received);
    if (!response.body) {
      events.push("long request done");
      return response;
    }
    const ended = new TransformStream<Uint8Array, Uint8Array>({ flush: () => void events.push("long request done") });
    return new Response(response.body.pipeThrough(ended), response);
  };
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
  });
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, events, longBegun };
}

const auth = (t: TestApp) => ({ Authorization: `Bearer ${t.adminKey}` });

/** Several thousand members, by import. */
async function withMembers(t: TestApp, count: number) {
  const rows = Array.from({ length: count }, (_, i) => `,Person ${String(i).padStart(5, "0")},p${i}@example.org`);
  const response = await t.request("POST", "/v1/orgs/demo/members/import", {
    body: `member_number,name,email\r\n${rows.join("\r\n")}\r\n`,
    headers: { "Content-Type": "text/csv" },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("a long request does not stall the others", () => {
  it("answers the health check while a CSV export of several thousand members streams", async () => {
    const t = await testApp();
    await withMembers(t, 6000);
    const { base, events } = await served(t);
    // A connection already open, as a busy server has them: the check needs only its turn.
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
    events.length = 0;

    // The export is read here, in the server's own process, as fast as it is produced: over a
    // socket the client's pace (and the kernel's buffers) would decide when the server pauses.
    const exported = await t.app.fetch(new Request(`${base}/v1/orgs/demo/members.csv`, { headers: auth(t) }));
    expect(exported.status).toBe(200);
    const health = fetch(`${base}/v1/health`).then((response) => response.status);
    const text = await exported.text();
    events.push("export read");
    expect(await health).toBe(200);

    expect(text.trim().split("\r\n")).toHaveLength(6001);
    expect(events).toEqual(["health answered", "export read"]);
  }, 60_000);

  it("answers the health check while an import of several thousand rows is written", async () => {
    const t = await testApp();
    const { base, events, longBegun } = await served(t, "/v1/orgs/demo/members/import");
    const rows = Array.from({ length: 5000 }, (_, i) => `,Person ${i},p${i}@example.org`);

    const imported = fetch(`${base}/v1/orgs/demo/members/import`, {
      method: "POST",
      headers: { ...auth(t), "Content-Type": "text/csv" },
      body: `member_number,name,email\r\n${rows.join("\r\n")}\r\n`,
    });
    await longBegun;
    const health = await fetch(`${base}/v1/health`);
    expect(health.status).toBe(200);
    const result = await imported;
    expect(result.status).toBe(200);
    expect(await result.json()).toMatchObject({ created: 5000 });
    expect(events).toEqual(["health answered", "long request done"]);
  }, 60_000);

  it("answers the health check while twenty thousand paper ballots are checked and stored", async () => {
    const t = await testApp();
    const { election, candidateIds } = await votingElection(t, { candidates: 8, voters: 0 });
    const path = `/v1/orgs/demo/elections/${election.id}/paper-ballots`;
    const { base, events, longBegun } = await served(t, path);
    const ballots = Array.from({ length: 20_000 }, (_, i) => ({ ranking: candidateIds.slice(i % 5, (i % 5) + 3) }));

    const entered = fetch(`${base}${path}`, {
      method: "POST",
      headers: { ...auth(t), "Content-Type": "application/json" },
      body: JSON.stringify({ ballots }),
    });
    await longBegun;
    const health = await fetch(`${base}/v1/health`);
    expect(health.status).toBe(200);
    const result = await entered;
    expect(result.status, await result.clone().text()).toBe(201);
    expect(await result.json()).toMatchObject({ rows: 20_000, papers: 20_000 });
    expect(events).toEqual(["health answered", "long request done"]);
  }, 60_000);
});
