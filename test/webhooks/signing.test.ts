import { describe, expect, it } from "vitest";
import { newWebhookSecret, signature, signedHeaders } from "../../src/webhooks/signing.ts";
import { webhookUrlProblem } from "../../src/webhooks/url-rules.ts";
import { expectedSignature } from "./receiver.ts";

describe("Standard Webhooks signatures", () => {
  it("match the specification's published test vector", async () => {
    // The vector of the specification's reference libraries (standard-webhooks / svix).
    const signed = await signature(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signed).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("are made with a fresh whsec_ secret of 32 random bytes, which node:crypto verifies", async () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
    const headers = await signedHeaders([secret], "evt_1", 1_800_000_000, '{"a":1}');
    expect(headers).toEqual({
      "webhook-id": "evt_1",
      "webhook-timestamp": "1800000000",
      "webhook-signature": `v1,${expectedSignature(secret, "evt_1", "1800000000", '{"a":1}')}`,
    });
  });

  it("carry one signature per secret during a rotation", async () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    const header = (await signedHeaders([a, b], "evt_2", 1, "{}"))["webhook-signature"];
    expect(header?.split(" ")).toEqual([
      `v1,${expectedSignature(a, "evt_2", "1", "{}")}`,
      `v1,${expectedSignature(b, "evt_2", "1", "{}")}`,
    ]);
  });
});

describe("webhook URL rules", () => {
  const production = { allowPrivate: false };

  it.each([
    ["http://hooks.example.org/x", "https"],
    ["https://localhost/x", "local"],
    ["https://api.localhost/x", "local"],
    ["https://printer.local/x", "local"],
    ["https://metadata.google.internal/x", "local"],
    ["https://intranet/x", "single label"],
    ["https://127.0.0.1/x", "address"],
    ["https://127.1/x", "address"],
    ["https://2130706433/x", "address"],
    ["https://0x7f000001/x", "address"],
    ["https://10.1.2.3/x", "address"],
    ["https://172.20.0.1/x", "address"],
    ["https://192.168.1.1/x", "address"],
    ["https://169.254.169.254/latest/meta-data", "address"],
    ["https://100.64.0.1/x", "address"],
    ["https://0.0.0.0/x", "address"],
    ["https://[::1]/x", "address"],
    ["https://[::]/x", "address"],
    ["https://[fd00::1]/x", "address"],
    ["https://[fe80::1]/x", "address"],
    ["https://[::ffff:127.0.0.1]/x", "address"],
    ["https://[::ffff:10.0.0.1]/x", "address"],
    ["https://[64:ff9b::a9fe:a9fe]/x", "address"],
    ["https://user:pass@hooks.example.org/x", "password"],
    ["ftp://hooks.example.org/x", "http(s)"],
    ["not a url", "absolute"],
  ])("refuse %s in production", (url, says) => {
    expect(webhookUrlProblem(url, production)).toContain(says);
  });

  it.each([
    "https://hooks.example.org/grasrot",
    "https://8.8.8.8/x",
    "https://[2606:4700:4700::1111]/x",
    "https://[::ffff:8.8.8.8]/x",
    "https://hooks.example.org:8443/x?token=1",
  ])("accept %s in production", (url) => {
    expect(webhookUrlProblem(url, production)).toBeUndefined();
  });

  it("accept http and loopback receivers where the deployment allows them (development, tests)", () => {
    expect(webhookUrlProblem("http://127.0.0.1:9999/hook", { allowPrivate: true })).toBeUndefined();
    expect(webhookUrlProblem("http://localhost:9999/hook", { allowPrivate: true })).toBeUndefined();
    expect(webhookUrlProblem("ftp://127.0.0.1/hook", { allowPrivate: true })).toContain("http(s)");
  });
});
