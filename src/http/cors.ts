import type { MiddlewareHandler } from "hono";

export interface CorsOptions {
  origin: "*" | string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/** Every method the API answers to. */
const allowedMethods = "GET,HEAD,PUT,POST,DELETE,PATCH";

/**
 * CORS for third-party frontends: a preflight (OPTIONS) is answered here, with the methods
 * and headers a request may use; every other response gets its headers once it is made.
 * (Hono's cors middleware sets them on the context's response before the route runs, and
 * merging that response into the route's made the Node adapter copy every body through a
 * stream, the slow way, on every request.)
 */
export function corsHeaders(options: CorsOptions): MiddlewareHandler {
  const exposed = options.exposeHeaders.join(",");
  const allowedHeaders = options.allowHeaders.join(",");
  const allowedOrigin = (origin: string) => (options.origin === "*" ? "*" : options.origin.includes(origin) ? origin : undefined);
  const describe = (headers: Headers, origin: string) => {
    const allowed = allowedOrigin(origin);
    if (allowed !== undefined) headers.set("Access-Control-Allow-Origin", allowed);
    headers.set("Access-Control-Expose-Headers", exposed);
    if (options.origin !== "*") headers.append("Vary", "Origin");
  };
  return async (c, next) => {
    const origin = c.req.header("Origin") ?? "";
    if (c.req.method === "OPTIONS") {
      const headers = new Headers({
        "Access-Control-Max-Age": String(options.maxAge),
        "Access-Control-Allow-Methods": allowedMethods,
        "Access-Control-Allow-Headers": allowedHeaders,
        Vary: "Access-Control-Request-Headers",
      });
      describe(headers, origin);
      return new Response(null, { status: 204, headers });
    }
    await next();
    describe(c.res.headers, origin);
  };
}
