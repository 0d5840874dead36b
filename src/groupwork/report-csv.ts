import { csvRecord } from "../lib/csv.ts";
import { guardFormula } from "../members/formula-guard.ts";
import { formatMinor } from "./amounts.ts";

interface YearLine {
  membersAtYearEnd: number;
  activeMembersAtYearEnd: number;
  meetingsHeld: number;
  meetingAttendance: number;
  actionReports: number;
  letters: number;
  signatures: number;
  politicianMeetings: number;
  streetActivities: number;
  reach: number;
  recruited: number;
  newMembers: number;
  newSupporters: number;
  stillMembersAfterAYear: number;
  trainingsAttended: number;
  money: { currency: string; raisedMinor: number; grantedMinor: number; paidMinor: number; expensesMinor: number; balanceMinor: number }[];
}

const counts = [
  ["members_at_year_end", "membersAtYearEnd"],
  ["active_members_at_year_end", "activeMembersAtYearEnd"],
  ["meetings_held", "meetingsHeld"],
  ["meeting_attendance", "meetingAttendance"],
  ["action_reports", "actionReports"],
  ["letters", "letters"],
  ["signatures", "signatures"],
  ["politician_meetings", "politicianMeetings"],
  ["street_activities", "streetActivities"],
  ["reach", "reach"],
  ["recruited", "recruited"],
  ["new_members", "newMembers"],
  ["new_supporters", "newSupporters"],
  ["still_members_after_a_year", "stillMembersAfterAYear"],
  ["trainings_attended", "trainingsAttended"],
] as const;

const moneyColumns = [
  ["raised", "raisedMinor"],
  ["granted", "grantedMinor"],
  ["paid", "paidMinor"],
  ["expenses", "expensesMinor"],
  ["balance", "balanceMinor"],
] as const;

/**
 * Year figures as CSV: one line per group, then a totals line when given. Money takes a
 * column per figure and currency (`raised_SEK`), in major units with the currency's decimals,
 * for every currency any line has.
 */
export function yearCsv(groups: (YearLine & { groupId: string; name: string; kind: string; status: string })[], totals?: YearLine): string {
  const currencies = [...new Set([...groups, ...(totals ? [totals] : [])].flatMap((line) => line.money.map((m) => m.currency)))].sort();
  const header = [
    "group_id",
    "group",
    "kind",
    "status",
    ...counts.map(([column]) => column),
    ...currencies.flatMap((currency) => moneyColumns.map(([column]) => `${column}_${currency}`)),
  ];
  const line = (head: string[], figures: YearLine) =>
    csvRecord([
      ...head,
      ...counts.map(([, key]) => String(figures[key])),
      ...currencies.flatMap((currency) => {
        const money = figures.money.find((m) => m.currency === currency);
        return moneyColumns.map(([, key]) => formatMinor(money?.[key] ?? 0, currency));
      }),
    ]);
  return [
    csvRecord(header),
    ...groups.map((group) => line([group.groupId, guardFormula(group.name), group.kind, group.status], group)),
    ...(totals ? [line(["", "Total", "", ""], totals)] : []),
  ].join("");
}
