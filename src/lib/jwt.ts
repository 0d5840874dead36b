/**
 * JSON Web Tokens signed with HMAC-SHA256 (HS256), the only kind the API issues, on Web
 * Crypto (Node and Workers alike). A library would bring every algorithm and claim check
 * to the Worker's bundle; the callers check the claims they rely on themselves.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const header = { alg: "HS256", typ: "JWT" };

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    // Secrets are few (one per deployment, or per database without one configured).
    if (keys.size >= 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

export async function signJwt(payload: Record<string, unknown>, secret: string): Promise<string> {
  const unsigned = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(encoder.encode(JSON.stringify(payload)))}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(unsigned));
  return `${unsigned}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Tokens found valid, by secret: a signature checks the same every time, and an app sends
 * one token with each of its requests for as long as it lasts, so each is checked once.
 * The claims (expiry above all) are still the callers' to check on every use. Bounded:
 * past its size it starts again.
 */
const verified = new Map<string, Map<string, Readonly<Record<string, unknown>>>>();
const verifiedMax = 4096;

/** The payload of a token signed with this secret by HS256; undefined for anything else (malformed, another algorithm, a bad signature). */
export async function verifyJwt(token: string, secret: string): Promise<Readonly<Record<string, unknown>> | undefined> {
  const known = verified.get(secret)?.get(token);
  if (known) return known;
  const payload = await checkJwt(token, secret);
  if (payload) {
    let ofSecret = verified.get(secret);
    if (!ofSecret || ofSecret.size >= verifiedMax) {
      // Secrets are few (see hmacKey): a full set starts again.
      if (verified.size >= 16) verified.clear();
      ofSecret = new Map();
      verified.set(secret, ofSecret);
    }
    ofSecret.set(token, Object.freeze(payload));
  }
  return payload;
}

async function checkJwt(token: string, secret: string): Promise<Record<string, unknown> | undefined> {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [head, body, signature] = parts as [string, string, string];
  try {
    const claimed = JSON.parse(decoder.decode(fromBase64url(head))) as { alg?: unknown };
    if (claimed.alg !== "HS256") return undefined;
    const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), fromBase64url(signature), encoder.encode(`${head}.${body}`));
    if (!valid) return undefined;
    const payload = JSON.parse(decoder.decode(fromBase64url(body))) as unknown;
    return typeof payload === "object" && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
