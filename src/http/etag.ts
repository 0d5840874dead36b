import type { Context } from "hono";
import { ApiError } from "./problem.ts";

/** Resources carry a version that every update bumps; the ETag is that version. */
export const etagOf = (version: number) => `"${version}"`;

export function setEtag(c: Context, version: number) {
  c.header("ETag", etagOf(version));
}

/**
 * The version an update must apply to, from If-Match. Undefined when the client sent none
 * (the update then applies to whatever is current); `*` matches any existing version.
 */
export function expectedVersion(c: Context): number | undefined {
  const header = c.req.header("If-Match");
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match) {
    throw new ApiError("precondition_failed", 'If-Match must be an ETag returned by this API, such as "3".');
  }
  return Number(match[1]);
}

export const staleVersion = () =>
  new ApiError(
    "precondition_failed",
    "The resource has changed since you read it (If-Match does not match its ETag). Read it again and retry.",
  );
