import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface Received {
  id: string;
  timestamp: string;
  body: string;
  /** What the receiver answered: 2xx means it accepted (and kept) the message. */
  status: number;
}

/**
 * A webhook receiver as an integrator would write one, on 127.0.0.1: it verifies the Standard
 * Webhooks signature with node:crypto (not the server's code) against the secrets it was given,
 * refuses a bad one with 401, and fails deliveries on purpose as `fail` decides.
 */
export interface Receiver {
  url: string;
  secrets: string[];
  requests: Received[];
  /** The messages it accepted, each webhook-id once, in the order first accepted. */
  accepted: Received[];
  badSignatures: number;
  close(): Promise<void>;
}

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The signature of the spec, computed independently of the server's implementation. */
export function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
}

function verifies(secrets: string[], id: string, timestamp: string, body: string, header: string): boolean {
  const given = header.split(" ").flatMap((part) => (part.startsWith("v1,") ? [Buffer.from(part.slice(3), "base64")] : []));
  return secrets.some((secret) => {
    const wanted = Buffer.from(expectedSignature(secret, id, timestamp, body), "base64");
    return given.some((signature) => signature.length === wanted.length && timingSafeEqual(signature, wanted));
  });
}

/** `fail(n)`: whether the n-th request (1-based) is answered 500. */
export async function startReceiver(fail: (n: number) => boolean): Promise<Receiver> {
  const receiver: Receiver = { url: "", secrets: [], requests: [], accepted: [], badSignatures: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const id = String(req.headers["webhook-id"] ?? "");
      const timestamp = String(req.headers["webhook-timestamp"] ?? "");
      const signature = String(req.headers["webhook-signature"] ?? "");
      let status = 204;
      if (!verifies(receiver.secrets, id, timestamp, body, signature)) {
        receiver.badSignatures += 1;
        status = 401;
      } else if (fail(receiver.requests.length + 1)) {
        status = 500;
      }
      const received = { id, timestamp, body, status };
      receiver.requests.push(received);
      // A message seen before is acknowledged and dropped, as the specification asks of receivers.
      if (status < 300 && !receiver.accepted.some((r) => r.id === id)) receiver.accepted.push(received);
      // No keep-alive: a connection the server closes just as the client reuses it would fail an attempt at random.
      res.writeHead(status, { "content-type": "text/plain", connection: "close" });
      res.end(status === 500 ? "receiver failed on purpose" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push(server);
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/grasrot`;
  return receiver;
}
