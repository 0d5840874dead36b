import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { ZodError } from "zod";
import { uuidPattern } from "../lib/ids.ts";
import { ApiError, type FieldError, invalidFields, type ProblemCode, problemCatalogue } from "../lib/problems.ts";
import { fieldErrorsWith, textErrors } from "../lib/text.ts";
import type { AppEnv } from "./env.ts";
import { idempotency } from "./idempotency.ts";
import { ProblemSchema } from "./problem.ts";

const targetNames: Record<string, string> = { json: "body", query: "query", param: "path", header: "header", form: "body" };

export function fieldErrors(error: ZodError, prefix: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

type RequestParts = NonNullable<RouteConfig["request"]>;

/** The schema a validation target is checked against, when the route declared one. */
function schemaOf(request: RequestParts | undefined, target: string): z.core.$ZodType | undefined {
  if (target === "json") {
    const media = request?.body?.content?.["application/json"] as { schema?: unknown } | undefined;
    return media?.schema as z.core.$ZodType | undefined;
  }
  if (target === "query") return request?.query as z.core.$ZodType | undefined;
  if (target === "param") return request?.params as z.core.$ZodType | undefined;
  return undefined;
}

/** The parameter names a query schema declares: the keys of its object, looking through transforms. */
export function declaredQueryNames(schema: z.core.$ZodType): string[] {
  const def = schema._zod.def as { type: string; shape?: Record<string, unknown>; in?: z.core.$ZodType };
  if (def.type === "object" && def.shape) return Object.keys(def.shape);
  if (def.type === "pipe" && def.in) return declaredQueryNames(def.in);
  throw new Error(`A route's query schema must be an object (got ${def.type}), so that its parameters are known.`);
}

/**
 * A query parameter the operation does not declare is a mistake of the caller (a misspelt
 * filter would otherwise silently return everything): one error per such name, saying which
 * parameters the operation takes.
 */
function undeclaredQueryErrors(schema: z.core.$ZodType | undefined, sent: string[]): FieldError[] {
  const declared = schema ? declaredQueryNames(schema) : [];
  const takes = declared.length > 0 ? `it takes ${declared.join(", ")}` : "it takes none";
  return sent
    .filter((name) => !declared.includes(name))
    .map((name) => ({ field: `query.${name.slice(0, 100)}`, message: `is not a query parameter of this operation (${takes})` }));
}

/**
 * Every router of the API validates the same way: failures become one 422 problem listing
 * each field, every string sent in a body, query or path is checked as text (see src/lib/text.ts),
 * and a query parameter the route does not declare is refused.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      const prefix = targetNames[result.target] ?? result.target;
      const schema = schemaOf(c.get("requestParts"), result.target);
      // What was sent when it failed to parse; what the handler will use when it parsed (so text a
      // schema trims or transforms away is no longer in it). Field names are the same in both.
      const value = (result as { data?: unknown }).data;
      const text = textErrors(schema, value, prefix);
      const undeclared = result.target === "query" ? undeclaredQueryErrors(schema, Object.keys(c.req.queries())) : [];
      if (result.success && text.length === 0 && undeclared.length === 0) return;
      const other = result.success ? [] : fieldErrors(result.error as ZodError, prefix);
      throw invalidFields(fieldErrorsWith([...undeclared, ...text], other));
    },
  });
}

export type Router = ReturnType<typeof createRouter>;

const problemContent = { "application/problem+json": { schema: ProblemSchema } };

/**
 * Documented problem responses for a route; every route gets those any request can meet: an
 * unreadable request, and a database too busy (or unreachable) to answer it.
 */
export function problems(...codes: ProblemCode[]) {
  const all = new Set<ProblemCode>(["bad_request", ...codes, "service_unavailable"]);
  const byStatus = new Map<number, string[]>();
  for (const code of all) {
    const { status, title } = problemCatalogue[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), title]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, titles]) => [status, { description: titles.join(" / "), content: problemContent }]),
  );
}

/** Problems of any route under an organisation: its path parameters can be invalid too. */
export const authProblems: ProblemCode[] = ["unauthorized", "forbidden", "not_found", "validation_failed"];

/** Problems any request with a body can meet. */
export const bodyProblems: ProblemCode[] = ["malformed_body", "unsupported_media_type", "payload_too_large"];

/** Response header of a single resource: its version, to send back as If-Match. */
export const etagHeader = {
  ETag: { schema: { type: "string" as const }, description: 'Version of the resource (a strong ETag such as `"3"`), for If-Match.' },
};

/** Response header of a creating request: where the new resource lives. */
export function locationHeader(what: string) {
  return { Location: { schema: { type: "string" as const }, description: `URL of the new ${what}.` } };
}

/** Request headers of an update or delete that honours optimistic concurrency. */
export const IfMatchHeaders = z.object({
  "If-Match": z
    .string()
    .optional()
    .openapi({
      description:
        "The ETag of the version this request applies to (or a list of them), or `*` for any existing version. Compared strongly: " +
        "a weak tag (`W/…`) never matches. 412 `precondition_failed`, and nothing changes, when it is not the current version. " +
        "Without it the request applies to whatever is current.",
    }),
});

/** Whether the request carries a body at all: HTTP/1.1 announces one by its length or its chunked encoding. */
function announcesBody(c: Context): boolean {
  const length = c.req.header("Content-Length");
  return c.req.header("Transfer-Encoding") !== undefined || (length !== undefined && length.trim() !== "0");
}

/**
 * Refuses bodies that are not of a media type the route declares (415), instead of silently
 * ignoring them. A route whose body is optional also takes a request with no body at all.
 */
function acceptOnly(mediaTypes: string[], bodyRequired: boolean): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const given = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!given && !bodyRequired && !announcesBody(c)) return next();
    if (!mediaTypes.includes(given)) {
      throw new ApiError(
        "unsupported_media_type",
        given
          ? `Content-Type '${given}' is not accepted here; send ${mediaTypes.join(" or ")}.`
          : `Send a body with Content-Type ${mediaTypes.join(" or ")}.`,
      );
    }
    return next();
  });
}

/** Operations whose body is required though the router sees it as optional (see defineRoute); the document says required. */
export const requiredAlternativeBodies = new Set<string>();

type RouteInput = RouteConfig & { tags: string[]; summary: string; operationId: string };

/**
 * createRoute with the project's conventions: a body's media types are enforced first,
 * then the route's own middleware (auth), then Idempotency-Key handling on POST.
 */
export function defineRoute<R extends RouteInput>(route: R): R {
  // Every route validates its query, if only to refuse parameters it does not declare.
  const query = route.request?.query ?? z.object({});
  declaredQueryNames(query);
  route = { ...route, request: { ...route.request, query } };
  const body = route.request?.body as { required?: boolean; content?: Record<string, unknown> } | undefined;
  const content = body?.content;
  const bodyRequired = body?.required === true;
  // A required body of JSON or another type (a CSV or BLT file) is handed to the router as optional, so
  // that its JSON validator lets the other type through; acceptOnly still insists on a body of a declared
  // type, and the document says it is required.
  const mediaTypes = Object.keys(content ?? {});
  if (bodyRequired && mediaTypes.length > 1 && mediaTypes.includes("application/json")) {
    requiredAlternativeBodies.add(route.operationId);
    route = { ...route, request: { ...route.request, body: { ...route.request?.body, required: false } } };
  }
  // The validation hook learns the route's schemas from here, to know which fields are multi-line text.
  const parts = createMiddleware<AppEnv>(async (c, next) => {
    c.set("requestParts", route.request);
    return next();
  }) as MiddlewareHandler;
  const guards: MiddlewareHandler[] = [parts, ...(content ? [acceptOnly(mediaTypes, bodyRequired) as MiddlewareHandler] : [])];
  const own = route.middleware ? (Array.isArray(route.middleware) ? route.middleware : [route.middleware]) : [];
  // Idempotency needs to know the caller, so it runs after the route's own auth guard.
  const after: MiddlewareHandler[] = route.method === "post" ? [idempotency as MiddlewareHandler] : [];
  return createRoute({ ...route, middleware: [...guards, ...own, ...after] as R["middleware"] }) as R;
}

/**
 * A route whose handler reads its JSON body itself (to do it off the event loop, or a slice at
 * a time): `served` is the route as the router serves it, hidden from the document, its JSON
 * schema a plain object the router does not check; `documented` is the route as the document
 * declares it, to register with `router.openAPIRegistry.registerPath`.
 */
export function selfReadJson<R extends RouteInput & { request: { body: { content: Record<string, unknown> } } }>(route: R) {
  const { middleware: _middleware, ...documented } = route;
  const { body } = route.request;
  const served = {
    ...route,
    hide: true,
    request: {
      ...route.request,
      body: { ...body, content: { ...body.content, "application/json": { schema: { type: "object" as const } } } },
    },
  };
  return { documented, served };
}

/**
 * The route without Idempotency-Key handling, for votes: a stored response is kept under the
 * caller's identity beside the request's body, which would tie a voter to their choice or
 * receipt. A retried vote is answered 409 `already_voted` instead.
 */
export function withoutIdempotency<T extends { middleware?: unknown }>(route: T): T {
  return { ...route, middleware: (route.middleware as MiddlewareHandler[]).filter((m) => m !== idempotency) };
}

export const bearerSecurity = [{ bearerAuth: [] }];

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export const IdSchema = z.string().regex(uuidPattern, "must be an id as returned by the API (a UUID)").openapi({ format: "uuid" });

export const OrgParams = z.object({
  org: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be an organisation slug")
    .openapi({ param: { name: "org", in: "path" }, example: "demo" }),
});

export const OrgIdParams = OrgParams.extend({ id: IdSchema.openapi({ param: { name: "id", in: "path" } }) });
