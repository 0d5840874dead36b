/// <reference types="@cloudflare/vitest-plugin/types" />
/**
 * The member-facing path inside workerd, with the database reached over libSQL's HTTP
 * protocol (the production client): signing in by e-mailed code, district assignment,
 * and an election from nomination to mandates, with one secret ballot per voter.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker, { type Env } from "../../src/worker.ts";

const adminKey = "grs_workerd-suite-admin-key-0123456789";

async function freshEnv(): Promise<Env> {
  const response = await fetch(`${inject("bridgeUrl")}/_bridge/databases`, {
    method: "POST",
    body: JSON.stringify({ template: "template" }),
  });
  const { url } = (await response.json()) as { url: string };
  return { ...(env as Env), LIBSQL_URL: url, GRASROT_MAIL_TRANSPORT: "outbox", GRASROT_PUBLIC_URL: "https://api.example.org" };
}

function client(testEnv: Env) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { key?: string | null; body?: unknown; status?: number } = {},
  ) {
    const headers = new Headers();
    const key = options.key === undefined ? adminKey : options.key;
    if (key) headers.set("Authorization", `Bearer ${key}`);
    if (options.body !== undefined) headers.set("Content-Type", "application/json");
    const request = new Request(`https://grasrot.test/v1${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }) as Request<unknown, IncomingRequestCfProperties>;
    const ctx = createExecutionContext();
    const response = await worker.fetch(request, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    const text = await response.text();
    if (options.status !== undefined) expect(response.status, text).toBe(options.status);
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Stockholm" }).format(new Date());
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

describe("members and elections in workerd", () => {
  it("signs a member in with the e-mailed code and assigns their district group", async () => {
    const call = client(await freshEnv());
    const area = await call<{ id: string }>("POST", "/orgs/demo/areas", {
      body: { name: "Norr", code: "N", postalCodes: ["114 55"] },
      status: 201,
    });
    const group = await call<{ id: string }>("POST", "/orgs/demo/groups", {
      body: { name: "Norr district", kind: "district", areaIds: [area.body.id] },
      status: 201,
    });
    const member = await call<{ id: string }>("POST", "/orgs/demo/members", {
      body: { name: "Anna Andersson", email: "anna@example.org", postalCode: "11455" },
      status: 201,
    });
    expect((await call<{ districtGroupId: string }>("GET", `/orgs/demo/members/${member.body.id}`)).body.districtGroupId).toBe(
      group.body.id,
    );
    await call("POST", "/orgs/demo/members", { body: { name: "Again", email: "ANNA@example.org" }, status: 409 });

    await call("POST", "/orgs/demo/auth/magic-link", { key: null, body: { email: "anna@example.org" }, status: 202 });
    const outbox = await call<{ data: { id: string; to: string }[] }>("GET", "/orgs/demo/outbox", { status: 200 });
    const message = await call<{ text: string }>("GET", `/orgs/demo/outbox/${outbox.body.data[0]?.id}`, { status: 200 });
    const code = /inloggningskod: (\S+)/.exec(message.body.text)?.[1];
    const token = await call<{ token: string }>("POST", "/orgs/demo/auth/token", { key: null, body: { code }, status: 200 });
    await call("POST", "/orgs/demo/auth/token", { key: null, body: { code }, status: 401 });
    const me = await call<{ email: string; districtGroupId: string }>("GET", "/orgs/demo/me", { key: token.body.token, status: 200 });
    expect(me.body).toMatchObject({ email: "anna@example.org", districtGroupId: group.body.id });
  });

  it("runs an election from nomination to mandates, one secret ballot per voter", async () => {
    const testEnv = await freshEnv();
    const call = client(testEnv);
    const type = await call<{ id: string }>("POST", "/orgs/demo/membership-types", {
      body: { name: "Active", kind: "active", fee: { amount: 0, currency: "SEK" }, period: { type: "calendar_year" }, graceDays: 30 },
      status: 201,
    });
    const members: { id: string; token: string }[] = [];
    for (const name of ["Ada", "Bo", "Cem", "Dag", "Eva"]) {
      const member = await call<{ id: string }>("POST", "/orgs/demo/members", {
        body: { name, email: `${name}@example.org` },
        status: 201,
      });
      await call("POST", `/orgs/demo/members/${member.body.id}/memberships`, {
        body: { typeId: type.body.id, startsOn: today() },
        status: 201,
      });
      // A member token, exchanged from an e-mailed code as a member would.
      await call("POST", "/orgs/demo/auth/magic-link", { key: null, body: { email: `${name}@example.org` }, status: 202 });
      const mail = await call<{ data: { id: string; to: string }[] }>("GET", "/orgs/demo/outbox?limit=200");
      const mine = mail.body.data.find((m) => m.to.toLowerCase() === `${name.toLowerCase()}@example.org`);
      const text = (await call<{ text: string }>("GET", `/orgs/demo/outbox/${mine?.id}`)).body.text;
      const code = /inloggningskod: (\S+)/.exec(text)?.[1];
      const { token } = (await call<{ token: string }>("POST", "/orgs/demo/auth/token", { key: null, body: { code }, status: 200 })).body;
      members.push({ id: member.body.id, token });
    }

    const position = await call<{ id: string }>("POST", "/orgs/demo/positions", {
      body: { title: "Board", seats: 2, termMonths: 24 },
      status: 201,
    });
    const election = await call<{ id: string }>("POST", "/orgs/demo/elections", {
      body: {
        positionId: position.body.id,
        method: "scottish_stv",
        electorate: { cutoffOn: today() },
        nomination: { opensAt: inHours(-1), closesAt: inHours(24) },
        voting: { opensAt: inHours(48), closesAt: inHours(72) },
      },
      status: 201,
    });
    const path = `/orgs/demo/elections/${election.body.id}`;
    await call("POST", `${path}/transitions`, { body: { to: "nominating" }, status: 200 });
    const candidates: string[] = [];
    for (const member of members.slice(0, 3)) {
      candidates.push((await call<{ id: string }>("POST", `${path}/candidates`, { key: member.token, body: {}, status: 201 })).body.id);
    }
    await call("POST", `${path}/transitions`, { body: { to: "voting" }, status: 200 });

    const rankings = [[0, 1], [0, 2], [1, 0], [0], [2, 1]];
    const receipts: string[] = [];
    for (const [i, member] of members.entries()) {
      const ranking = (rankings[i] as number[]).map((c) => candidates[c]);
      const cast = await call<{ receiptHash: string }>("POST", `${path}/ballots`, { key: member.token, body: { ranking }, status: 201 });
      receipts.push(cast.body.receiptHash);
    }
    // One ballot each, also when the first voter tries again at once, several times.
    const again = await Promise.all(
      [1, 2, 3].map(() => call("POST", `${path}/ballots`, { key: members[0]?.token, body: { ranking: [candidates[1]] } })),
    );
    expect(again.map((r) => r.status)).toEqual([409, 409, 409]);

    await call("POST", `${path}/transitions`, { body: { to: "counted" }, status: 200 });
    const result = await call<{ elected: string[]; turnout: Record<string, number> }>("GET", `${path}/result`, { status: 200 });
    expect(result.body.elected).toHaveLength(2);
    await call("POST", `${path}/publish`, { body: {}, status: 200 });
    for (const hash of receipts) await call("GET", `${path}/receipts/${hash}`, { key: null, status: 200 });
    const mandates = await call<{ data: unknown[] }>("GET", `/orgs/demo/positions/${position.body.id}/mandates?current=true`, {
      status: 200,
    });
    expect(mandates.body.data).toHaveLength(2);
  });
});
