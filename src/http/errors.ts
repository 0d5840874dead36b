import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, problemResponse } from "./problem.ts";

/** libSQL reports constraint violations with codes such as SQLITE_CONSTRAINT_UNIQUE. */
function isConstraintViolation(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === "string" && code.startsWith("SQLITE_CONSTRAINT");
}

/** Turns whatever a handler threw into an ApiError; only the truly unexpected becomes a 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new ApiError("payload_too_large", "The request body is larger than this endpoint accepts.");
    if (error.message.startsWith("Malformed JSON")) return new ApiError("malformed_body", "The request body is not valid JSON.");
    if (error.status === 401) return new ApiError("unauthorized", error.message || "Authentication required.");
    if (error.status >= 400 && error.status < 500) return new ApiError("bad_request", error.message || "The request could not be read.");
  }
  if (error instanceof URIError) return new ApiError("bad_request", "The request URL is not correctly encoded.");
  if (isConstraintViolation(error)) {
    return new ApiError("conflict", "The request conflicts with data that already exists.");
  }
  return new ApiError("internal_error", "Something went wrong on our side. Quote the request id when reporting it.");
}

export function onError(error: unknown, c: Context): Response {
  const problem = toApiError(error);
  // ApiErrors were raised on purpose (and logged where raised, if worth it); the rest is a defect.
  if (!(error instanceof ApiError) && problem.status >= 500) {
    // The client sees only the request id; the details stay in the server log.
    console.error(`[${c.get("requestId") ?? "-"}] ${c.req.method} ${c.req.path}`, error);
  }
  return problemResponse(c, problem);
}
