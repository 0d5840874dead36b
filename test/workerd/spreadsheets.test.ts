/// <reference types="@cloudflare/vitest-plugin/types" />
/**
 * Member files as bytes inside workerd: its TextDecoder reads Windows-1252 and UTF-16 as
 * Node's does, and a body read for an Idempotency-Key reaches the import unchanged.
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

async function send(testEnv: Env, method: string, path: string, body?: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const request = new Request(`https://grasrot.test/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminKey}`, ...headers },
    body,
  }) as Request<unknown, IncomingRequestCfProperties>;
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

// "Åsa Öberg" from Swedish Excel's plain CSV: Windows-1252, semicolons.
const windows1252 = new Uint8Array([
  ...new TextEncoder().encode("name;email\r\n"),
  0xc5,
  ...new TextEncoder().encode("sa "),
  0xd6,
  ...new TextEncoder().encode("berg;asa@example.org\r\n"),
]);

describe("spreadsheets in workerd", () => {
  it("imports a Windows-1252 file under an Idempotency-Key and exports it for Excel", async () => {
    const testEnv = await freshEnv();
    const imported = await send(testEnv, "POST", "/orgs/demo/members/import", windows1252, {
      "Content-Type": "text/csv",
      "Idempotency-Key": "workerd-1252",
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
    expect(await imported.json()).toMatchObject({ created: 1 });

    const bytes = new Uint8Array(await (await send(testEnv, "GET", "/orgs/demo/members.csv?dialect=excel")).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split("\r\n");
    expect(lines[1]).toMatch(/^\d+;Åsa Öberg;asa@example\.org;/);
  });

  it("refuses a byte Windows-1252 does not define, and reads UTF-16 with its byte-order mark", async () => {
    const testEnv = await freshEnv();
    const undefinedByte = new Uint8Array([
      ...new TextEncoder().encode("name,email\r\nB"),
      0x81,
      ...new TextEncoder().encode(",b@example.org\r\n"),
    ]);
    const refused = await send(testEnv, "POST", "/orgs/demo/members/import", undefinedByte, { "Content-Type": "text/csv" });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { detail: string }).detail).toContain("0x81");

    const text = "name\temail\r\nZoë\tzoe@example.org\r\n";
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + 2 * i] = text.charCodeAt(i);
    const read = await send(testEnv, "POST", "/orgs/demo/members/import", utf16, { "Content-Type": "text/tab-separated-values" });
    expect(read.status, await read.clone().text()).toBe(200);
  });
});
