import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

export interface CorsOptions {
  origin: "*" | string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/**
 * CORS for third-party frontends. Preflights (OPTIONS) are Hono's `cors`. Every other
 * response gets its CORS headers once it is made: Hono's middleware sets them on the
 * context's response before the route runs, and merging that response into the route's
 * made the Node adapter copy every body through a stream, the slow way, on every request.
 */
export function corsHeaders(options: CorsOptions): MiddlewareHandler {
  const preflight = cors(options);
  const exposed = options.exposeHeaders.join(",");
  const allowedOrigin = (origin: string) => (options.origin === "*" ? "*" : options.origin.includes(origin) ? origin : undefined);
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    await next();
    const headers = c.res.headers;
    const origin = allowedOrigin(c.req.header("Origin") ?? "");
    if (origin !== undefined) headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Expose-Headers", exposed);
    if (options.origin !== "*") headers.append("Vary", "Origin");
  };
}
