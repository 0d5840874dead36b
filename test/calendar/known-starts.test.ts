/**
 * The occurrence starts a process keeps per series (src/calendar/known-starts.ts) are exactly
 * the rule's, whatever order windows are asked in, near or far, for every kind of rule.
 */
import { describe, expect, it } from "vitest";
import { occurrenceStarts, type Series } from "../../src/calendar/expand.ts";
import { knownStartsFrom } from "../../src/calendar/known-starts.ts";
import { seriesOf } from "../../src/events/series.ts";

const day = 86_400_000;

function take(starts: Iterable<number>, count: number): number[] {
  const out: number[] = [];
  for (const start of starts) {
    if (out.length >= count) break;
    out.push(start);
  }
  return out;
}

const cases: [string, string, string][] = [
  ["weekly, open-ended, across DST in Stockholm", "FREQ=WEEKLY", "2024-03-05T17:00:00.000Z"],
  ["every other week on two days", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "2024-01-02T17:00:00.000Z"],
  ["monthly on the last Friday, with a summer break", "FREQ=MONTHLY;BYDAY=-1FR;BYMONTH=1,2,3,4,5,9,10,11,12", "2024-01-26T17:00:00.000Z"],
  ["twenty times", "FREQ=WEEKLY;COUNT=20", "2025-06-03T16:00:00.000Z"],
  ["until a date", "FREQ=MONTHLY;UNTIL=20270101T000000Z", "2024-02-15T16:00:00.000Z"],
  ["weekly since long ago, past what is kept", "FREQ=WEEKLY", "1990-01-02T17:00:00.000Z"],
];

describe("known occurrence starts", () => {
  for (const [what, rrule, startsAt] of cases) {
    it(`are the rule's own: ${what}`, () => {
      const series = seriesOf({ rrule, startsAt, timeZone: "Europe/Stockholm" }) as Series;
      const key = `test|${rrule}|${startsAt}`;
      const start = Date.parse(startsAt);
      // Later windows first, then earlier ones, then far ahead: each as the rule itself says.
      for (const from of [start + 400 * day, start + 30 * day, start - day, start + 9000 * day, start + 60 * day, start + 12_000 * day]) {
        expect(take(knownStartsFrom(key, series, from), 30), new Date(from).toISOString()).toEqual(
          take(occurrenceStarts(series, from), 30),
        );
      }
    });
  }
});
