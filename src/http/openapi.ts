import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { ZodError } from "zod";
import { uuidPattern } from "../lib/ids.ts";
import { ApiError, type FieldError, invalidFields, type ProblemCode, problemCatalogue } from "../lib/problems.ts";
import { textErrors } from "../lib/text.ts";
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

/**
 * Every router of the API validates the same way: failures become one 422 problem listing
 * each field, and every string sent in a body, query or path is checked as text (see src/lib/text.ts).
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      const prefix = targetNames[result.target] ?? result.target;
      // What was sent when it failed to parse; what the handler will use when it parsed (so text a
      // schema trims or transforms away is no longer in it). Field names are the same in both.
      const value = (result as { data?: unknown }).data;
      const text = textErrors(schemaOf(c.get("requestParts"), result.target), value, prefix);
      if (result.success && text.length === 0) return;
      // A field with bad text is reported for that alone: its other complaints follow from it.
      const flagged = new Set(text.map((error) => error.field));
      const other = result.success ? [] : fieldErrors(result.error as ZodError, prefix).filter((error) => !flagged.has(error.field));
      const errors = [...text, ...other];
      throw invalidFields(errors);
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

/** Refuses bodies that are not of a media type the route declares (415), instead of silently ignoring them. */
function acceptOnly(mediaTypes: string[]): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const given = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
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

type RouteInput = RouteConfig & { tags: string[]; summary: string; operationId: string };

/**
 * createRoute with the project's conventions: a body's media types are enforced first,
 * then the route's own middleware (auth), then Idempotency-Key handling on POST.
 */
export function defineRoute<R extends RouteInput>(route: R): R {
  const content = (route.request?.body as { content?: Record<string, unknown> } | undefined)?.content;
  // The validation hook learns the route's schemas from here, to know which fields are multi-line text.
  const parts = createMiddleware<AppEnv>(async (c, next) => {
    c.set("requestParts", route.request);
    return next();
  }) as MiddlewareHandler;
  const guards: MiddlewareHandler[] = [parts, ...(content ? [acceptOnly(Object.keys(content)) as MiddlewareHandler] : [])];
  const own = route.middleware ? (Array.isArray(route.middleware) ? route.middleware : [route.middleware]) : [];
  // Idempotency needs to know the caller, so it runs after the route's own auth guard.
  const after: MiddlewareHandler[] = route.method === "post" ? [idempotency as MiddlewareHandler] : [];
  return createRoute({ ...route, middleware: [...guards, ...own, ...after] as R["middleware"] }) as R;
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
