import type { Principal, Role } from "../auth/principal.ts";
import { ApiError } from "../lib/problems.ts";

/** 401, with the challenge that tells the caller which credentials to send. */
export const unauthorized = (detail: string) =>
  new ApiError("unauthorized", detail, { headers: { "WWW-Authenticate": 'Bearer realm="grasrot"' } });

/**
 * Who is asking, inside an organisation, as the rules of every domain need it: an API key
 * with its role (staff and admin keys change things, readonly keys read everything), a member
 * acting for themselves with a member token, or the public (no credentials).
 */
export type Viewer = { kind: "anonymous" } | { kind: "key"; role: Role } | { kind: "member"; memberId: string };

/** The operator key creates organisations and acts inside none of them. */
export function viewerOf(principal: Principal): Viewer {
  switch (principal.kind) {
    case "api_key":
      return { kind: "key", role: principal.role };
    case "member":
      return { kind: "member", memberId: principal.memberId };
    case "anonymous":
      return { kind: "anonymous" };
    case "operator":
      throw new ApiError("forbidden", "The operator key does not act inside an organisation.");
  }
}

/** Keys see everything stored in their organisation; members and the public see what is theirs or public. */
export const isKey = (viewer: Viewer): viewer is Extract<Viewer, { kind: "key" }> => viewer.kind === "key";

/** A staff or admin key: the organisation's staff, who change things. */
export const isStaff = (viewer: Viewer) => viewer.kind === "key" && viewer.role !== "readonly";

/** A readonly key: reads what staff read, changes nothing. */
export const isReadonly = (viewer: Viewer) => viewer.kind === "key" && viewer.role === "readonly";

/** Whether the viewer is this member, acting for themselves. */
export const isSelf = (viewer: Viewer, memberId: string | null) => viewer.kind === "member" && viewer.memberId === memberId;

/**
 * The member acting for themselves: 401 without credentials, 403 for a key. This is the rule
 * the `requireMember` guard applies to a route, so a handler behind that guard reads the id
 * here and never meets a caller who is not a member.
 */
export function memberIdOf(who: Principal | Viewer): string {
  if (who.kind === "member") return who.memberId;
  if (who.kind === "anonymous") throw unauthorized("This operation needs a member token.");
  throw new ApiError("forbidden", "This operation is for members acting for themselves, with a member token.");
}
