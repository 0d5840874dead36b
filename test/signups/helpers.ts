import { expect } from "vitest";
import { createApp } from "../../src/app.ts";
import { defaultConfig } from "../../src/deps.ts";
import { createOutboxMailer } from "../../src/mail/outbox.ts";
import { committedDocuments, json, operatorKey, settledRequest, type TestApp, testApp } from "../helpers/app.ts";

export const publicUrl = "https://api.forum.example";

export interface SignupApp extends TestApp {
  /** A request without a key from a client at `address`, as the Node server would make it. */
  anonymous(method: string, path: string, body?: unknown, address?: string, headers?: Record<string, string>): Promise<Response>;
}

/** The test app with the local outbox as its mail transport: mail is read back through the API, as a developer would. */
export async function signupApp(): Promise<SignupApp> {
  const t = await testApp({ publicUrl });
  const mailer = createOutboxMailer(t.db, t.clock, defaultConfig.mail.from);
  const app = createApp({ db: t.db, mailer, clock: t.clock, config: { ...defaultConfig, operatorKey, publicUrl }, ...committedDocuments });
  const request: TestApp["request"] = (method, path, options = {}) => {
    const headers = new Headers(options.headers);
    const key = options.key === undefined ? t.adminKey : options.key;
    if (key !== null) headers.set("Authorization", `Bearer ${key}`);
    if (options.body !== undefined) headers.set("Content-Type", "application/json");
    return settledRequest(app, path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  };
  const anonymous: SignupApp["anonymous"] = (method, path, body, address = "198.51.100.7", headers = {}) =>
    settledRequest(
      app,
      path,
      {
        method,
        headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      },
      { incoming: { socket: { remoteAddress: address } } },
    );
  return { ...t, app, request, anonymous };
}

export const signUp = (t: SignupApp, body: Record<string, unknown>, address?: string) =>
  t.anonymous("POST", `/v1/orgs/${t.org}/signups`, body, address);

interface OutboxListed {
  id: string;
  to: string;
  subject: string;
}

/** The messages the outbox holds for an address, oldest first, as an admin reads them. */
export async function mailsTo(t: SignupApp, email: string) {
  const list = await json<{ data: OutboxListed[] }>(
    await t.request("GET", `/v1/orgs/${t.org}/outbox?to=${encodeURIComponent(email)}`),
    200,
  );
  const messages = await Promise.all(
    list.data.map(async ({ id }) => json<{ subject: string; text: string }>(await t.request("GET", `/v1/orgs/${t.org}/outbox/${id}`), 200)),
  );
  return messages.reverse();
}

/** The confirmation link of the last sign-up mail to the address: its path on this deployment. */
export async function confirmationLink(
  t: SignupApp,
  email: string,
): Promise<{ path: string; token: string; subject: string; text: string }> {
  const mail = (await mailsTo(t, email)).at(-1);
  const link = /https?:\/\/\S+/.exec(mail?.text ?? "")?.[0];
  expect(link, `a confirmation link mailed to ${email}`).toBeDefined();
  const url = new URL(link as string);
  expect(url.origin).toBe(publicUrl);
  return { path: url.pathname, token: url.pathname.split("/").at(-1) as string, subject: mail?.subject ?? "", text: mail?.text ?? "" };
}

/** Follows a confirmation link as a person does: opens the page, then presses its button (a form POST). */
export async function confirmByPage(t: SignupApp, path: string) {
  const pageResponse = await t.anonymous("GET", path);
  expect(pageResponse.status).toBe(200);
  expect(await pageResponse.text()).toContain('<form method="post">');
  return t.anonymous("POST", path, "confirm=1", undefined, { "Content-Type": "application/x-www-form-urlencoded" });
}

/** The person with the address as staff read it, or undefined. */
export async function personByEmail(t: SignupApp, email: string) {
  const row = await t.database.client.execute({
    sql: "SELECT id, enrolled, source, name, consent_newsletters, consent_meeting_summons, consent_campaign_news FROM members WHERE email_key = ?",
    args: [email.toLowerCase()],
  });
  return row.rows[0];
}
