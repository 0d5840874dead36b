/// <reference types="@cloudflare/vitest-plugin/types" />

import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { createClient } from "@libsql/client/web";
import { describe, expect, inject, it } from "vitest";
import type { MailRound } from "../../src/mailings/queue.ts";
import worker, { type Env } from "../../src/worker.ts";
import { orgIdOf, seedMembers } from "../mailings/seed.ts";

const adminKey = "grs_workerd-suite-admin-key-0123456789";

/** A fresh database; without the mail queue unless given one, so the tick sends itself (the fallback). */
async function freshEnv(extra: Partial<Env> = {}): Promise<Env> {
  const response = await fetch(`${inject("bridgeUrl")}/_bridge/databases`, {
    method: "POST",
    body: JSON.stringify({ template: "template" }),
  });
  expect(response.status).toBe(201);
  const { url } = (await response.json()) as { url: string };
  return {
    ...(env as Env),
    LIBSQL_URL: url,
    GRASROT_MAIL_TRANSPORT: "outbox",
    GRASROT_PUBLIC_URL: "https://api.example.org",
    MAIL_QUEUE: undefined,
    ...extra,
  };
}

async function call(testEnv: Env, method: string, path: string, body?: unknown) {
  const headers = new Headers({ Authorization: `Bearer ${adminKey}` });
  if (body !== undefined) headers.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  const request = new Request(`https://grasrot.test${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The Worker's own `scheduled`, with a controller, its execution context awaited. */
async function scheduled(testEnv: Env, cron: string, at: string) {
  const controller = createScheduledController({ cron, scheduledTime: Date.parse(at) });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

async function seed(testEnv: Env, count: number, extra: Parameters<typeof seedMembers>[2] = []) {
  const client = createClient({ url: testEnv.LIBSQL_URL as string });
  const orgId = await orgIdOf(client);
  await seedMembers(client, orgId, [
    ...Array.from({ length: count }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.org` })),
    ...extra,
  ]);
  client.close();
}

async function outbox(testEnv: Env) {
  const messages: { id: string; to: string; subject: string }[] = [];
  let cursor: string | null = null;
  do {
    const response = await call(testEnv, "GET", `/v1/orgs/demo/outbox?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { data: typeof messages; nextCursor: string | null };
    messages.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return messages;
}

describe("mailings in workerd: scheduled against the bridge database, the outbox as the capturing transport", () => {
  it("without a queue binding, sends a scheduled mailing from the cron trigger, chunked over ticks, each recipient once", async () => {
    const testEnv = await freshEnv({ GRASROT_MAIL_PER_TICK: "40" });
    await seed(testEnv, 90, [{ name: "Opted out", email: "out@example.org", consentNewsletters: false }]);
    const created = await call(testEnv, "POST", "/v1/orgs/demo/mailings", {
      subject: "Hello {{member.firstName}}",
      text: "News.\n{{unsubscribeUrl}}",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    await scheduled(testEnv, "* * * * *", "2026-11-21T09:00:00Z");
    expect(await outbox(testEnv)).toHaveLength(40);
    // Two invocations at once, then the rest.
    await Promise.all([scheduled(testEnv, "* * * * *", "2026-11-21T09:01:00Z"), scheduled(testEnv, "* * * * *", "2026-11-21T09:01:00Z")]);
    await scheduled(testEnv, "* * * * *", "2026-11-21T09:02:00Z");

    const sent = await outbox(testEnv);
    expect(sent).toHaveLength(90);
    expect(new Set(sent.map((m) => m.to)).size).toBe(90);
    expect(sent.some((m) => m.to.includes("out@"))).toBe(false);
    const read = (await (await call(testEnv, "GET", `/v1/orgs/demo/mailings/${id}`)).json()) as {
      status: string;
      progress: Record<string, number>;
    };
    expect(read.status).toBe("sent");
    expect(read.progress).toMatchObject({ total: 91, sent: 90, suppressed: 1 });

    const first = sent[0];
    const full = (await (await call(testEnv, "GET", `/v1/orgs/demo/outbox/${first?.id}`)).json()) as {
      headers: Record<string, string>;
      raw: string;
    };
    expect(full.headers["List-Unsubscribe"]).toMatch(/^<https:\/\/api\.example\.org\/v1\/orgs\/demo\/unsubscribe\//);
    expect(full.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("honours a one-click unsubscribe posted to the Worker", async () => {
    const testEnv = await freshEnv();
    await seed(testEnv, 1);
    await call(testEnv, "POST", "/v1/orgs/demo/mailings", {
      subject: "N",
      text: "x",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    await scheduled(testEnv, "* * * * *", "2026-11-21T09:00:00Z");
    const [message] = await outbox(testEnv);
    const full = (await (await call(testEnv, "GET", `/v1/orgs/demo/outbox/${message?.id}`)).json()) as { headers: Record<string, string> };
    const url = /^<(.+)>$/.exec(full.headers["List-Unsubscribe"] ?? "")?.[1] ?? "";
    const ctx = createExecutionContext();
    const oneClick = await worker.fetch(
      new Request(url.replace("https://api.example.org", "https://grasrot.test"), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      }) as Request<unknown, IncomingRequestCfProperties>,
      testEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(oneClick.status).toBe(200);

    await call(testEnv, "POST", "/v1/orgs/demo/mailings", {
      subject: "N2",
      text: "x",
      category: "newsletters",
      audience: { type: "all_members" },
      sendAt: "2026-11-22T09:00:00Z",
    });
    await scheduled(testEnv, "* * * * *", "2026-11-22T09:00:00Z");
    expect((await outbox(testEnv)).map((m) => m.subject)).toEqual(["N"]);
  });

  it("refuses SMTP on Workers with a clear configuration problem", async () => {
    const testEnv = await freshEnv({
      GRASROT_MAIL_TRANSPORT: "smtp",
      SMTP_URL: "smtp://x:y@127.0.0.1:25",
      GRASROT_MAIL_FROM: "a@b.example",
    } as Partial<Env>);
    const response = await call(testEnv, "GET", "/v1/health");
    expect(response.status).toBe(503);
  });
});

async function mailingStatus(testEnv: Env, id: string) {
  const response = await call(testEnv, "GET", `/v1/orgs/demo/mailings/${id}`);
  return (await response.json()) as { status: string; progress: Record<string, number> };
}

describe("mailings in workerd over the mail queue (miniflare's queue simulation)", () => {
  it("hands a mailing to the queue on one tick; the Worker's own queue consumer sends every round, each recipient once", async () => {
    // The queue delivers to the Worker with its configured bindings: its database is the suite's shared one.
    const testEnv = { ...(env as Env), GRASROT_PUBLIC_URL: "https://api.example.org" };
    expect(testEnv.MAIL_QUEUE).toBeDefined();
    const client = createClient({ url: testEnv.LIBSQL_URL as string });
    const orgId = await orgIdOf(client);
    await seedMembers(
      client,
      orgId,
      Array.from({ length: 1_500 }, (_, i) => ({ name: `Queued ${i}`, email: `queued${i}@example.org` })),
    );
    const sendAt = new Date(Date.now() - 60_000).toISOString();
    const created = await call(testEnv, "POST", "/v1/orgs/demo/mailings", {
      subject: "Queued news",
      text: "Hello {{member.firstName}}",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    // One tick: it plans the mailing and hands its 1,500 recipients to the queue in rounds of the outbox's 1,000.
    await scheduled(testEnv, "* * * * *", new Date().toISOString());
    // The consumer runs as the queue delivers (a batch at most a second after the tick): wait for it, a bounded number of looks.
    let read = await mailingStatus(testEnv, id);
    for (let look = 0; look < 100 && read.status !== "sent"; look++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      read = await mailingStatus(testEnv, id);
    }
    expect(read.status).toBe("sent");
    expect(read.progress).toMatchObject({ total: 1_500, sent: 1_500 });

    const rows = await client.execute({
      sql: `SELECT count(*) AS n, count(DISTINCT claimed_by) AS rounds, sum(claimed_by LIKE 'queue:%') AS queued
            FROM mailing_deliveries WHERE mailing_id = ?`,
      args: [id],
    });
    // Every row went through the queue, in rounds the tick made (one hand-over of up to 5,000 rows: one token).
    expect(rows.rows[0]).toMatchObject({ n: 1_500, queued: 1_500 });
    const outbox = await client.execute({
      sql: `SELECT count(*) AS n, count(DISTINCT "to") AS people FROM mail_outbox WHERE subject = 'Queued news'`,
      args: [],
    });
    expect(outbox.rows[0]).toMatchObject({ n: 1_500, people: 1_500 });
    client.close();
  }, 60_000);

  it("acknowledges a round it sent and a repeated one, and leaves a round it could not send to the queue's retries", async () => {
    const handed: MailRound[] = [];
    const mailQueue = {
      async sendBatch(messages: Iterable<{ body: MailRound }>) {
        for (const message of messages) handed.push(message.body);
      },
    } as unknown as Queue<MailRound>;
    const testEnv = await freshEnv({ MAIL_QUEUE: mailQueue });
    await seed(testEnv, 20);
    const created = await call(testEnv, "POST", "/v1/orgs/demo/mailings", {
      subject: "Round",
      text: "Hello",
      category: "statutory",
      audience: { type: "all_members" },
      sendAt: "2026-11-21T09:00:00Z",
    });
    const { id } = (await created.json()) as { id: string };
    await scheduled(testEnv, "* * * * *", "2026-11-21T09:00:00Z");
    expect(handed).toEqual([expect.objectContaining({ mailingId: id })]);
    expect(await outbox(testEnv)).toHaveLength(0);

    const message = (attempt: number) => ({ id: `m${attempt}`, timestamp: Date.now(), attempts: attempt, body: handed[0] as MailRound });
    // The database cannot be reached (the bridge has no such database): the round is left to the queue, which tries it again later.
    const unreachable = { ...testEnv, LIBSQL_URL: (testEnv.LIBSQL_URL as string).replace(/\/db\/[^/]+\//, "/db/no-such-database/") };
    const failing = createMessageBatch("grasrot-mail", [message(1)]);
    let ctx = createExecutionContext();
    await worker.queue(failing, unreachable, ctx);
    expect(await getQueueResult(failing, ctx)).toMatchObject({ explicitAcks: [], retryMessages: [{ msgId: "m1" }] });

    // The retry sends it; the same message delivered once more sends nothing, and is acknowledged all the same.
    const batch = createMessageBatch("grasrot-mail", [message(2), message(3)]);
    ctx = createExecutionContext();
    await worker.queue(batch, testEnv, ctx);
    expect(await getQueueResult(batch, ctx)).toMatchObject({ explicitAcks: ["m2", "m3"], retryMessages: [] });
    expect(await outbox(testEnv)).toHaveLength(20);
    expect((await mailingStatus(testEnv, id)).status).toBe("sent");
  });
});
