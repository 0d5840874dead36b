import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { constraintViolation, isDatabaseBusy } from "../db/errors.ts";
import { ApiError } from "../lib/problems.ts";
import { problemResponse } from "./problem.ts";

/** Seconds a client is asked to wait after the database was too busy to take its request. */
export const busyRetryAfterSeconds = 1;

export const databaseBusy = () =>
  new ApiError("service_unavailable", "The database is busy with other work; nothing was changed. Retry in a moment.", {
    headers: { "Retry-After": String(busyRetryAfterSeconds) },
  });

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
  // A lock held longer than the retries waited: the write did not happen, and may well succeed a moment later.
  if (isDatabaseBusy(error)) return databaseBusy();
  // A UNIQUE index or primary key: the data exists already, a conflict the client can resolve. Every other
  // constraint (NOT NULL, FOREIGN KEY, CHECK) is input the handler should have refused: a defect, a 500.
  if (constraintViolation(error) === "unique") {
    return new ApiError("conflict", "The request conflicts with data that already exists.");
  }
  return new ApiError("internal_error", "Something went wrong on our side. Quote the request id when reporting it.");
}

export function onError(error: unknown, c: Context): Response {
  const problem = toApiError(error);
  // ApiErrors were raised on purpose (and logged where raised, if worth it); the rest is a defect or an overload.
  if (!(error instanceof ApiError)) {
    const where = `[${c.get("requestId") ?? "-"}] ${c.req.method} ${c.req.path}`;
    // The client sees only the request id; the details stay in the server log.
    if (problem.code === "service_unavailable") console.warn(`${where}: database busy, answered 503:`, errorSummary(error));
    else if (problem.status >= 500) console.error(where, error);
  }
  return problemResponse(c, problem);
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
