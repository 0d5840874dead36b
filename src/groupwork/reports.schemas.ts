import { z } from "@hono/zod-openapi";
import { groupKinds, groupStatuses } from "../../drizzle/groups.ts";

const Int = z.number().int();

export const YearMoney = z
  .object({
    currency: z.string(),
    raisedMinor: Int.openapi({ description: "Fundraising income of the year." }),
    grantedMinor: Int.openapi({ description: "Grants granted in the year." }),
    paidMinor: Int.openapi({ description: "Grants paid in the year." }),
    expensesMinor: Int,
    balanceMinor: Int.openapi({ description: "The year's paid grants plus income less expenses." }),
  })
  .openapi("YearMoney");

export const YearFigures = z
  .object({
    membersAtYearEnd: Int.openapi({ description: "On the roster or in the district on the year's last day." }),
    activeMembersAtYearEnd: Int.openapi({ description: "Of them, with an active membership current or in grace that day." }),
    meetingsHeld: Int.openapi({
      description:
        "Group and network meetings that took place: single meetings not cancelled, and sessions of a series with attendance recorded.",
    }),
    meetingAttendance: Int.openapi({ description: "Attendances recorded at those meetings." }),
    actionReports: Int,
    letters: Int,
    signatures: Int,
    politicianMeetings: Int,
    streetActivities: Int,
    reach: Int,
    recruited: Int,
    newMembers: Int,
    newSupporters: Int,
    stillMembersAfterAYear: Int.openapi({ description: "Of those recruited in the year, still members a year later (so far)." }),
    trainingsAttended: Int.openapi({ description: "Trainings of the year attended by the members the group has at year end." }),
    money: z.array(YearMoney).openapi({ description: "Per currency, in minor units." }),
  })
  .openapi("YearFigures");

export const GroupYear = YearFigures.extend({
  groupId: z.string(),
  name: z.string(),
  kind: z.enum(groupKinds),
  status: z.enum(groupStatuses),
}).openapi("GroupYear");

export const GroupYearReport = GroupYear.extend({ year: Int }).openapi("GroupYearReport");

export const SectionYearReport = z
  .object({
    year: Int,
    groups: z.array(GroupYear).openapi({ description: "Every active or closed group, by name." }),
    totals: YearFigures.openapi({ description: "The sums over the groups (a member of two groups counts in both)." }),
  })
  .openapi("SectionYearReport");
