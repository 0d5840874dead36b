import { createMiddleware } from "hono/factory";
import { ApiError } from "../lib/problems.ts";
import type { AppEnv } from "./env.ts";

/**
 * The request target exactly as the client sent it.
 *
 * URL parsing as WHATWG defines it (fetch, `new Request`, @hono/node-server building the
 * Request) resolves `.` and `..` segments, percent-encoded ones included, and turns `\` into
 * `/`. By the time the router sees `/groups/%2e%2e/members/{id}` it reads `/members/{id}`:
 * another operation, reached with an id of the wrong kind. So the guard below reads the
 * target before any of that happened:
 *
 * - on Node, @hono/node-server passes the IncomingMessage as `env.incoming`, and its `url`
 *   is the request line's target, untouched;
 * - workerd hands the Worker the target unresolved in `request.url` itself (an edge or proxy
 *   in front of it may resolve dot segments before the Worker runs; nothing here can see that).
 */
export function rawRequestTarget(env: unknown, request: Request): string {
  const incoming = (env as { incoming?: { url?: unknown } } | undefined)?.incoming;
  return typeof incoming?.url === "string" ? incoming.url : request.url;
}

/** The path of a request target: origin form (`/a/b?q`) or absolute form (`http://host/a/b?q`). */
export function pathOfTarget(target: string): string {
  let start = 0;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(target);
  if (scheme) {
    const slash = target.slice(scheme[0].length).search(/[/\\?#]/);
    if (slash === -1) return "/";
    start = scheme[0].length + slash;
  }
  const end = target.slice(start).search(/[?#]/);
  return end === -1 ? target.slice(start) : target.slice(start, start + end);
}

/** URL parsers drop tabs and line breaks before they look at segments, so they are ignored here too. */
const ignoredByParsers = /[\t\n\r]/g;

/** `.`, `..`, `%2e`, `.%2E`, …: a segment that URL parsing resolves instead of keeping. */
function isDotSegment(segment: string): boolean {
  const dots = segment.replace(ignoredByParsers, "").replace(/%2e/gi, ".");
  return dots === "." || dots === "..";
}

/** A slash or backslash inside a segment, literal (`\` is a separator to URL parsers) or encoded. */
function hasHiddenSeparator(segment: string): boolean {
  return /\\|%2f|%5c/i.test(segment);
}

/** Why this path cannot be routed as written, or undefined when it can. */
export function unroutablePath(path: string): string | undefined {
  for (const segment of path.split("/")) {
    if (isDotSegment(segment)) return "has a '.' or '..' segment (plain or percent-encoded)";
    if (hasHiddenSeparator(segment)) return "has a slash or backslash inside a segment (a '\\', '%2F' or '%5C')";
  }
  return undefined;
}

/**
 * Refuses, before routing, any request whose raw path a URL parser would rewrite: a path
 * parameter that resolves to another route must never reach that route. The answer is 404,
 * as for any path that names nothing in this API.
 */
export const refuseRewrittenPaths = createMiddleware<AppEnv>(async (c, next) => {
  const path = pathOfTarget(rawRequestTarget(c.env, c.req.raw));
  const reason = unroutablePath(path);
  if (reason) throw new ApiError("not_found", `There is no resource at this path: it ${reason}, which this API never resolves.`);
  return next();
});
