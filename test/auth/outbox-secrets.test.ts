/**
 * A sign-in code is a member's key. On a deployment whose transport is the local outbox, the
 * outbox is where the mail "arrives", and staff and readonly keys read it: they must find no
 * code there, or they could act as any member. An admin of such a development deployment
 * still reads the whole message, which is how a developer signs a member in.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { defaultConfig } from "../../src/deps.ts";
import type { Mailer, MailMessage } from "../../src/mail/mailer.ts";
import { createOutboxMailer } from "../../src/mail/outbox.ts";
import { committedDocuments, settledRequest, type TestApp, testApp } from "../helpers/app.ts";
import { createMember } from "../helpers/members.ts";
import { exchange } from "./helpers.ts";

const member = { name: "Signe Vallgren", email: "signe@example.org" };

/** The test app with the outbox as its transport, and a record of what the transport was handed. */
async function outboxApp() {
  const t = await testApp({ publicUrl: "https://api.forum.example" });
  const handed: MailMessage[] = [];
  const outbox = createOutboxMailer(t.db, t.clock, defaultConfig.mail.from);
  const mailer: Mailer = {
    transport: "outbox",
    send(message) {
      handed.push(message);
      return outbox.send(message);
    },
  };
  const app = createApp({
    db: t.db,
    mailer,
    clock: t.clock,
    config: { ...defaultConfig, publicUrl: "https://api.forum.example" },
    ...committedDocuments,
  });
  const request: TestApp["request"] = (method, path, options = {}) => {
    const headers = new Headers(options.headers);
    const key = options.key === undefined ? t.adminKey : options.key;
    if (key !== null) headers.set("Authorization", `Bearer ${key}`);
    if (options.body !== undefined) headers.set("Content-Type", "application/json");
    return settledRequest(app, path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  };
  return { ...t, app, request, handed };
}

async function keyWithRole(t: TestApp, role: string) {
  const response = await t.request("POST", "/v1/orgs/demo/api-keys", { body: { name: role, role } });
  return ((await response.json()) as { secret: string }).secret;
}

/** Everything one key can read of the outbox: the list and each whole message. */
async function outboxAsSeenBy(t: TestApp, key: string) {
  const list = await t.request("GET", "/v1/orgs/demo/outbox", { key });
  expect(list.status).toBe(200);
  const { data } = (await list.json()) as { data: { id: string }[] };
  const messages = await Promise.all(data.map(async ({ id }) => (await t.request("GET", `/v1/orgs/demo/outbox/${id}`, { key })).json()));
  return { list: data, messages: messages as { text: string; raw: string; subject: string; headers: Record<string, string> }[] };
}

describe("sign-in codes in the outbox", () => {
  it("are hidden from staff and readonly keys, in the text, the link and the raw message", async () => {
    const t = await outboxApp();
    await createMember(t, member);
    const asked = await t.request("POST", "/v1/orgs/demo/auth/magic-link", {
      key: null,
      // A long link: quoted-printable folds it in the raw message, where a plain search would miss it.
      body: { email: member.email, returnTo: `https://api.forum.example/${"members/".repeat(8)}sign-in` },
    });
    expect(asked.status).toBe(202);
    const code = /inloggningskod: (\S+)/.exec(t.handed[0]?.text ?? "")?.[1] as string;
    expect(code).toMatch(/^[0-9A-Za-z]{32}$/);

    const seen = await outboxAsSeenBy(t, await keyWithRole(t, "staff"));
    expect(seen.list).toHaveLength(1);
    expect(JSON.stringify(seen)).not.toContain(code);
    // Unfolded from quoted-printable, the raw message holds no code either.
    expect(seen.messages[0]?.raw.replace(/=\r\n/g, "")).not.toContain(code);
    expect(seen.messages[0]?.text).toContain("Din inloggningskod: [hidden]");
    expect(seen.messages[0]?.text).toContain("sign-in?code=[hidden]");
    expect(seen.messages[0]?.subject).toBe("Logga in hos Demo organisation");

    // A readonly key does not read the outbox at all.
    const readonly = await keyWithRole(t, "readonly");
    const id = seen.list[0]?.id;
    for (const path of ["/v1/orgs/demo/outbox", `/v1/orgs/demo/outbox/${id}`]) {
      const response = await t.request("GET", path, { key: readonly });
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain(code);
    }
    // Nothing a staff key could read signs anyone in: the hidden code is no code.
    expect((await exchange(t, "[hidden]")).status).toBe(401);

    // The member who received the mail signs in with it.
    expect((await exchange(t, code)).status).toBe(200);
  });

  it("are shown whole to an admin of the development deployment, and work once", async () => {
    const t = await outboxApp();
    await createMember(t, member);
    await t.request("POST", "/v1/orgs/demo/auth/magic-link", { key: null, body: { email: member.email } });
    const seen = await outboxAsSeenBy(t, t.adminKey);
    const code = /inloggningskod: (\S+)/.exec(seen.messages[0]?.text ?? "")?.[1] as string;
    expect(code).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(seen.messages[0]?.raw).toContain(code);
    expect((await exchange(t, code)).status).toBe(200);
    expect((await exchange(t, code)).status).toBe(401);
  });

  it("leave other mail as it is for every reader", async () => {
    const t = await outboxApp();
    await createOutboxMailer(t.db, t.clock, defaultConfig.mail.from).send({
      to: "a@example.org",
      orgId: await orgId(t),
      subject: "Meeting",
      text: "See you on Tuesday.",
    });
    const staff = await outboxAsSeenBy(t, await keyWithRole(t, "staff"));
    const admin = await outboxAsSeenBy(t, t.adminKey);
    expect(staff).toEqual(admin);
  });
});

async function orgId(t: TestApp) {
  const rows = await t.database.client.execute("SELECT id FROM organisations WHERE slug = 'demo'");
  return String(rows.rows[0]?.id);
}
