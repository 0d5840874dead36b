import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type ApiError, type ProblemCode, problemCatalogue } from "../lib/problems.ts";

/** How an ApiError (src/lib/problems.ts) reaches the client: RFC 9457 problem+json, and its shape in the OpenAPI document. */

export const problemTypeUri = (code: ProblemCode) => `urn:grasrot:problem:${code}`;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: problemTypeUri("not_found") }),
    code: z.enum(Object.keys(problemCatalogue) as [ProblemCode, ...ProblemCode[]]),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .openapi("Problem");

export function problemBody(error: ApiError, requestId: string) {
  return {
    type: problemTypeUri(error.code),
    code: error.code,
    title: error.title,
    status: error.status,
    detail: error.detail,
    requestId,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
    ...error.options.extra,
  };
}

export function problemResponse(c: Context, error: ApiError): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  const headers = new Headers(error.options.headers);
  headers.set("Content-Type", "application/problem+json");
  headers.set("X-Request-Id", requestId);
  return new Response(JSON.stringify(problemBody(error, requestId)), { status: error.status, headers });
}
