import { createMiddleware } from "hono/factory";
import type { Role } from "../auth/principal.ts";
import { isInGroupLedBy } from "../groups/access.ts";
import { requireRole } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import type { AppEnv } from "../http/env.ts";
import { ApiError, notFound } from "../lib/problems.ts";

/**
 * Who may reach a route on one member (`{id}` in the path). API keys need a role; a member
 * token reaches the member's own record where `reach` allows it, and a group leader the
 * contact details of the group's members. Any other member id answers 404 to a member
 * token, exactly like an id that does not exist, so members cannot probe who is a member.
 */
export type MemberReach = "none" | "self" | "self_or_leader";

export function memberGuard(minimum: Role, reach: MemberReach) {
  const keyGuard = requireRole(minimum);
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (principal.kind !== "member") return keyGuard(c, next);
    const id = c.req.param("id");
    if (id === principal.memberId) {
      if (reach === "none") {
        throw new ApiError("forbidden", "Members cannot do this with a member token; members change their own profile through /me.");
      }
      return next();
    }
    if (reach === "self_or_leader" && id) {
      const { db, org, day } = ctxOf(c);
      if (await isInGroupLedBy(db, { orgId: org.id, leaderId: principal.memberId, memberId: id, day })) return next();
    }
    throw notFound("Member");
  });
}

/** Whether the caller sees only the contact view of the member: a group leader looking at someone else. */
export function seesContactOnly(principal: AppEnv["Variables"]["principal"], id: string): boolean {
  return principal.kind === "member" && principal.memberId !== id;
}
