import type { Context } from "hono";
import { getRuntimeKey } from "hono/adapter";

/** The client of a request that came with no address at all (app.request in tests): one shared client. */
export const unknownClient = "unknown";

/** What @hono/node-server passes as the environment (nested under `server` by some set-ups): the Node request. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
  server?: NodeBindings;
}

/**
 * Who is calling, for per-client limits. On Workers, Cloudflare's `CF-Connecting-IP`, which the
 * edge sets and a client cannot. On Node, the socket's remote address; behind `proxyHops`
 * trusted proxies (GRASROT_TRUSTED_PROXY_HOPS), the address the outermost of them saw, read
 * from the right of `X-Forwarded-For`, where each proxy appends the address it was called from.
 * Entries further left are the client's own say and are never believed.
 */
export function clientAddress(c: Context, proxyHops = 0): string {
  if (getRuntimeKey() === "workerd") return clientKey(c.req.header("CF-Connecting-IP") ?? unknownClient);
  const bindings = c.env as NodeBindings | undefined;
  const socket = (bindings?.server ?? bindings)?.incoming?.socket?.remoteAddress;
  if (proxyHops > 0) {
    const forwarded = (c.req.header("X-Forwarded-For") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const seen = forwarded[forwarded.length - proxyHops];
    if (seen) return clientKey(seen);
  }
  return clientKey(socket ?? unknownClient);
}

/**
 * The key a client is counted under: an IPv4 address as it is (also when written as IPv6),
 * an IPv6 address as its /64, since one household or server is given a whole /64.
 */
export function clientKey(address: string): string {
  let ip = address.trim().toLowerCase().replace(/%.*$/, "");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1] as string;
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(ip);
  if (v4) return v4[1] as string;
  if (!ip.includes(":")) return ip;
  const halves = ip.split("::");
  if (halves.length > 2) return ip;
  const left = halves[0] ? halves[0].split(":") : [];
  const right = halves[1] ? halves[1].split(":") : [];
  const missing = halves.length === 2 ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array.from({ length: Math.max(0, missing) }, () => "0"), ...right];
  const prefix = groups.slice(0, 4).map((group) => Number.parseInt(group, 16));
  if (prefix.length < 4 || prefix.some((group) => !Number.isInteger(group) || group < 0 || group > 0xffff)) return ip;
  return `${prefix.map((group) => group.toString(16)).join(":")}::/64`;
}
