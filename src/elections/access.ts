import type { Context } from "hono";
import type { Principal } from "../auth/principal.ts";
import type { AppEnv } from "../http/env.ts";
import { ApiError } from "../lib/problems.ts";

/**
 * Who is asking, as the election rules need it: staff (staff or admin key) change things,
 * readonly keys read everything, members read what is public and act for themselves,
 * anonymous callers only check receipts of published elections.
 */
export type Viewer = { kind: "staff" } | { kind: "readonly" } | { kind: "member"; memberId: string } | { kind: "anonymous" };

export function viewerOf(principal: Principal): Viewer {
  switch (principal.kind) {
    case "api_key":
      return principal.role === "readonly" ? { kind: "readonly" } : { kind: "staff" };
    case "member":
      return { kind: "member", memberId: principal.memberId };
    case "anonymous":
      return { kind: "anonymous" };
    case "operator":
      throw new ApiError("forbidden", "The operator key does not act inside an organisation.");
  }
}

export const viewer = (c: Context<AppEnv>) => viewerOf(c.get("principal"));

/** Keys see everything stored; members see what is public. */
export const isKey = (v: Viewer) => v.kind === "staff" || v.kind === "readonly";

export function memberIdOf(v: Viewer): string | undefined {
  return v.kind === "member" ? v.memberId : undefined;
}
