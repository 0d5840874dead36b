import type { Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../lib/problems.ts";
import type { AppEnv } from "./env.ts";

const requestIdPattern = /^[\w.:-]{1,128}$/;

/**
 * Injects the dependencies and gives every request an id, echoed as X-Request-Id.
 * `deps` may be a function, for runtimes that must make fresh I/O objects per request.
 */
export function requestContext(deps: AppDeps | (() => AppDeps)) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const given = c.req.header("X-Request-Id");
    const requestId = given && requestIdPattern.test(given) ? given : crypto.randomUUID();
    c.set("deps", typeof deps === "function" ? deps() : deps);
    c.set("requestId", requestId);
    await next();
    c.res.headers.set("X-Request-Id", requestId);
  });
}

function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `The request body is larger than ${maxSize} bytes.`);
    },
  });
}

/**
 * The general body limit, with larger limits for the few upload routes that need them
 * (a body limit inside a route would come too late: the general one has refused already).
 */
export function limitBodies(generalMax: number, uploads: { path: RegExp; maxSize: number }[]): MiddlewareHandler<AppEnv> {
  const general = limitBody(generalMax);
  const specific = uploads.map(({ path, maxSize }) => ({ path, limit: limitBody(Math.max(maxSize, generalMax)) }));
  return (c, next) =>
    // GET and HEAD carry no body a handler reads; asking for one would build the whole Request on Node.
    c.req.method === "GET" || c.req.method === "HEAD"
      ? next()
      : (specific.find(({ path }) => path.test(c.req.path))?.limit ?? general)(c, next);
}

function pathPattern(path: string): RegExp {
  const escaped = path
    .split("/")
    .map((part) => (part.startsWith(":") ? "[^/]+" : part === "*" ? ".*" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Unknown paths are 404; a known path asked with the wrong method is 405 with Allow,
 * worked out from the app's own route table so it can never drift from the routes.
 */
export function notFoundOrWrongMethod(app: Hono<AppEnv>) {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return (path: string, method: string): ApiError => {
    table ??= app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => ({ pattern: pathPattern(route.path), method: route.method }));
    const allowed = [...new Set(table.filter((route) => route.pattern.test(path)).map((route) => route.method))];
    if (allowed.length > 0 && !allowed.includes(method)) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      return new ApiError("method_not_allowed", `${method} is not allowed on ${path}; use ${allowed.join(", ")}.`, {
        headers: { Allow: allowed.join(", ") },
      });
    }
    return new ApiError("not_found", `There is no ${method} ${path} in this API.`);
  };
}
