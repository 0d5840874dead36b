import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { ProblemCode } from "../http/problem.ts";
import { localDay } from "./status.ts";

/** OpenAPI pieces the member routes share. */

export const etagHeader = { ETag: { schema: { type: "string" as const }, description: "Version of the resource, for If-Match." } };
export const locationHeader = { Location: { schema: { type: "string" as const }, description: "URL of the new resource." } };

export const IfMatchHeaders = z.object({
  "If-Match": z.string().optional().openapi({ description: "ETag of the version being updated; 412 if it is stale." }),
});

/** Problems any request with a JSON body can meet. */
export const writeProblems: ProblemCode[] = ["malformed_body", "unsupported_media_type", "payload_too_large"];

/** The instant and today's date in the organisation's time zone: membership days are local days. */
export function clockOf(c: Context<AppEnv>): { now: Date; day: string } {
  const now = c.get("deps").clock.now();
  return { now, day: localDay(now, c.get("org").timeZone) };
}
