import type { Ctx } from "../access/context.ts";
import { isStaff } from "../access/viewer.ts";
import { ledGroupIds, memberGroupIds } from "../groups/access.ts";
import { type GroupRow, visibleGroup } from "../groups/groups.service.ts";
import { ApiError } from "../lib/problems.ts";
import { standingOf } from "../members/status.ts";

/**
 * Who may record and read what a group achieves. Staff act for every group; a convener or
 * contact person (in good standing) acts for their own group only; the group's members read
 * its totals; readonly keys read everything and change nothing. A group the caller may not
 * see is a 404, as one that does not exist.
 */

const notYours = (what: string) => new ApiError("forbidden", `Only staff and the group's conveners may ${what}.`);

/** The group, if the caller may record for it: staff, or one of its leaders. */
export async function groupToRecordFor(ctx: Ctx, groupId: string, what: string): Promise<GroupRow> {
  const group = await visibleGroup(ctx, groupId);
  if (isStaff(ctx.viewer)) return group;
  const { viewer } = ctx;
  if (viewer.kind === "member" && (await ledGroupIds(ctx.db, ctx.org.id, viewer.memberId, ctx.day)).includes(group.id)) return group;
  throw notYours(what);
}

/**
 * The group, if the caller may read `what` of it: any key, its leaders, and — for totals —
 * its members in good standing.
 */
export async function groupToRead(ctx: Ctx, groupId: string, options: { what: string; members: boolean }): Promise<GroupRow> {
  const group = await visibleGroup(ctx, groupId);
  const { viewer } = ctx;
  if (viewer.kind === "key") return group;
  if (viewer.kind === "member") {
    if ((await ledGroupIds(ctx.db, ctx.org.id, viewer.memberId, ctx.day)).includes(group.id)) return group;
    if (options.members && (await memberGroupIds(ctx.db, ctx.org.id, viewer.memberId)).includes(group.id)) {
      const { status } = await standingOf(ctx.db, viewer.memberId, ctx.day);
      if (status === "current" || status === "grace") return group;
    }
  }
  throw new ApiError(
    "forbidden",
    `Only the organisation's keys${options.members ? ", the group's members" : ""} and its conveners may read ${options.what}.`,
  );
}
