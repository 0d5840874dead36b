import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostmarkMailer } from "../../src/mail/postmark.ts";

interface Seen {
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/** A local stand-in for Postmark's API, answering in its documented shape. */
let server: Server;
let base = "";
const seen: Seen[] = [];
let mode: "ok" | "outage" = "ok";

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const parsed = JSON.parse(body) as Record<string, unknown> | Record<string, unknown>[];
      seen.push({ path: request.url ?? "", headers: request.headers, body: parsed });
      response.setHeader("Content-Type", "application/json");
      if (request.headers["x-postmark-server-token"] !== "server-token") {
        response.statusCode = 401;
        response.end(JSON.stringify({ ErrorCode: 10, Message: "No Account or Server API tokens were supplied in the HTTP headers." }));
        return;
      }
      if (mode === "outage") {
        response.statusCode = 503;
        response.end("{}");
        return;
      }
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      const results = messages.map((m, i) =>
        String(m.To).includes("inactive@")
          ? { ErrorCode: 406, Message: "You tried to send to a recipient that has been marked as inactive.", To: m.To }
          : { ErrorCode: 0, Message: "OK", MessageID: `pm-${seen.length}-${i}`, SubmittedAt: "2026-11-21T09:00:00Z", To: m.To },
      );
      response.end(JSON.stringify(Array.isArray(parsed) ? results : results[0]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const mailer = (token = "server-token") =>
  createPostmarkMailer({ token, url: base, messageStream: "broadcast", from: "Forum <info@forum.example>" });

describe("the HTTP provider transport (Postmark) against a local fake", () => {
  it("sends a batch to /email/batch in Postmark's shape and reads an outcome per message", async () => {
    mode = "ok";
    const outcomes = await mailer().sendBatch?.([
      {
        to: "a@example.org",
        subject: "S",
        text: "T",
        html: "<p>T</p>",
        messageId: "<d1.m@forum.example>",
        headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      },
      { to: "inactive@example.org", subject: "S", text: "T" },
    ]);
    const request = seen.at(-1);
    expect(request?.path).toBe("/email/batch");
    expect(request?.headers["x-postmark-server-token"]).toBe("server-token");
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.body).toEqual([
      {
        From: "Forum <info@forum.example>",
        To: "a@example.org",
        Subject: "S",
        TextBody: "T",
        HtmlBody: "<p>T</p>",
        Headers: [
          { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
          { Name: "Message-ID", Value: "<d1.m@forum.example>" },
        ],
        MessageStream: "broadcast",
      },
      {
        From: "Forum <info@forum.example>",
        To: "inactive@example.org",
        Subject: "S",
        TextBody: "T",
        Headers: [],
        MessageStream: "broadcast",
      },
    ]);
    expect(outcomes?.[0]).toMatchObject({ ok: true, messageId: expect.stringMatching(/^pm-/) });
    expect(outcomes?.[1]).toMatchObject({ ok: false, error: { permanent: true, suppressAddress: true } });
  });

  it("sends one message to /email", async () => {
    mode = "ok";
    const sent = await mailer().send({ to: "b@example.org", subject: "S", text: "T" });
    expect(seen.at(-1)?.path).toBe("/email");
    expect(sent.messageId).toMatch(/^pm-/);
  });

  it("treats an outage and a bad token as temporary: the messages are retried later", async () => {
    mode = "outage";
    const outcomes = await mailer().sendBatch?.([{ to: "a@example.org", subject: "S", text: "T" }]);
    expect(outcomes?.[0]).toMatchObject({ ok: false, error: { permanent: false } });
    mode = "ok";
    const unauthorised = await mailer("wrong").sendBatch?.([{ to: "a@example.org", subject: "S", text: "T" }]);
    expect(unauthorised?.[0]).toMatchObject({ ok: false, error: { permanent: false } });
    const unreachable = await createPostmarkMailer({
      token: "t",
      url: "http://127.0.0.1:1",
      messageStream: "outbound",
      from: "a@b.example",
    }).sendBatch?.([{ to: "a@example.org", subject: "S", text: "T" }]);
    expect(unreachable?.[0]).toMatchObject({ ok: false, error: { permanent: false } });
  });
});
