/**
 * Signatures of the Standard Webhooks specification (https://www.standardwebhooks.com):
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
 * base64-decoded bytes of a `whsec_…` secret. WebCrypto only, so Node and Workers sign alike.
 */

const encoder = new TextEncoder();
const secretPrefix = "whsec_";
/** 32 random bytes: the spec asks for 24 to 64. */
const secretBytes = 32;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** A new secret, `whsec_` and base64 of random bytes. */
export function newWebhookSecret(): string {
  return secretPrefix + toBase64(crypto.getRandomValues(new Uint8Array(secretBytes)));
}

/** The signature of one message under one secret: `v1,<base64>`. */
export async function signature(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const raw = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  const key = await crypto.subtle.importKey("raw", fromBase64(raw), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/**
 * The three headers of a delivery. Several secrets (during a rotation) give several
 * signatures, space-separated; a receiver accepts the message when one of them verifies.
 */
export async function signedHeaders(secrets: string[], id: string, timestamp: number, body: string): Promise<Record<string, string>> {
  const signatures = await Promise.all(secrets.map((secret) => signature(secret, id, timestamp, body)));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatures.join(" "),
  };
}
