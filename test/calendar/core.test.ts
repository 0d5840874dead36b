import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { occurrenceStarts, startsBetween } from "../../src/calendar/expand.ts";
import { escapeText, foldLine, formatOffset, IcsWriter } from "../../src/calendar/ics.ts";
import { formatRule, parseRule, RuleError } from "../../src/calendar/rrule.ts";
import { writeVTimezone } from "../../src/calendar/vtimezone.ts";
import { localToUtc, offsetAt, utcToLocal } from "../../src/lib/zone.ts";

const utc = (iso: string) => Date.parse(iso);
const isoOf = (ms: number) => new Date(ms).toISOString();
const noLocalUntil = () => 0;

describe("time zones from Intl", () => {
  it("knows Stockholm's offsets on both sides of DST", () => {
    expect(offsetAt("Europe/Stockholm", utc("2027-01-15T12:00:00Z"))).toBe(3600_000);
    expect(offsetAt("Europe/Stockholm", utc("2027-07-15T12:00:00Z"))).toBe(7200_000);
    // The change itself: 01:00 UTC on the last Sunday of March.
    expect(offsetAt("Europe/Stockholm", utc("2027-03-28T00:59:59Z"))).toBe(3600_000);
    expect(offsetAt("Europe/Stockholm", utc("2027-03-28T01:00:00Z"))).toBe(7200_000);
    expect(offsetAt("Asia/Kathmandu", utc("2027-03-28T01:00:00Z"))).toBe((5 * 60 + 45) * 60_000);
  });

  it("reads a local time skipped by DST with the offset before the gap, and a doubled one as the first (RFC 5545 3.3.5)", () => {
    expect(isoOf(localToUtc("Europe/Stockholm", utc("2027-03-28T02:30:00Z")))).toBe("2027-03-28T01:30:00.000Z");
    expect(isoOf(localToUtc("Europe/Stockholm", utc("2027-10-31T02:30:00Z")))).toBe("2027-10-31T00:30:00.000Z");
    expect(isoOf(localToUtc("America/New_York", utc("2027-06-01T18:00:00Z")))).toBe("2027-06-01T22:00:00.000Z");
    expect(isoOf(utcToLocal("Australia/Sydney", utc("2027-01-01T00:00:00Z")))).toBe("2027-01-01T11:00:00.000Z");
  });
});

describe("the RRULE subset", () => {
  it("parses, normalises and formats rules", () => {
    expect(formatRule(parseRule("RRULE:freq=monthly;byday=1tu,-1fr;interval=2", noLocalUntil))).toBe(
      "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU,-1FR",
    );
    expect(formatRule(parseRule("FREQ=WEEKLY;WKST=SU;UNTIL=20270101T120000Z", noLocalUntil))).toBe(
      "FREQ=WEEKLY;WKST=SU;UNTIL=20270101T120000Z",
    );
  });

  it.each([
    "FREQ=YEARLY",
    "FREQ=WEEKLY;BYHOUR=9",
    "FREQ=WEEKLY;INTERVAL=0",
    "FREQ=WEEKLY;COUNT=1001",
    "FREQ=MONTHLY;BYDAY=6TU",
    "FREQ=MONTHLY;BYDAY=TU,TU",
    "FREQ=WEEKLY;UNTIL=20270230T000000Z",
    "INTERVAL=2",
    "FREQ=WEEKLY;FREQ=WEEKLY",
    "nonsense",
  ])("refuses %s", (rule) => {
    expect(() => parseRule(rule, noLocalUntil)).toThrow(RuleError);
  });

  it("follows RFC 5545's WKST example (every other week on Tuesday and Sunday)", () => {
    const start = utc("1997-08-05T13:00:00Z");
    const run = (rule: string) =>
      startsBetween({ start, timeZone: "America/New_York", rule: parseRule(rule, noLocalUntil) }, start, utc("1998-01-01T00:00:00Z")).map(
        (ms) => isoOf(ms).slice(0, 10),
      );
    expect(run("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO")).toEqual(["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"]);
    expect(run("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU")).toEqual(["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"]);
  });

  it("skips months without the day, and fifth weekdays where there are none", () => {
    const days = (rule: string, startIso: string) =>
      startsBetween({ start: utc(startIso), timeZone: "UTC", rule: parseRule(rule, noLocalUntil) }, 0, utc("2027-08-01T00:00:00Z")).map(
        (ms) => isoOf(ms).slice(0, 10),
      );
    expect(days("FREQ=MONTHLY", "2027-01-31T10:00:00Z")).toEqual(["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31"]);
    expect(days("FREQ=MONTHLY;BYDAY=5FR", "2027-01-29T10:00:00Z")).toEqual(["2027-01-29", "2027-04-30", "2027-07-30"]);
    expect(days("FREQ=MONTHLY;BYDAY=MO;COUNT=6", "2027-02-01T10:00:00Z")).toEqual([
      "2027-02-01",
      "2027-02-08",
      "2027-02-15",
      "2027-02-22",
      "2027-03-01",
      "2027-03-08",
    ]);
  });

  it("jumps to a far window without walking from the start, and agrees with a walk from the start", () => {
    const series = {
      start: utc("2020-01-07T17:00:00Z"),
      timeZone: "Europe/Stockholm",
      rule: parseRule("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,TH", noLocalUntil),
    };
    const from = utc("2031-05-01T00:00:00Z");
    const to = utc("2031-08-01T00:00:00Z");
    const walked: number[] = [];
    for (const start of occurrenceStarts(series)) {
      if (start >= to) break;
      if (start >= from) walked.push(start);
    }
    expect(startsBetween(series, from, to)).toEqual(walked);
    expect(walked.length).toBeGreaterThan(5);
  });

  it("agrees with ical.js on a range of rules across DST changes", () => {
    const rules = [
      ["2026-12-01T17:00:00Z", "FREQ=MONTHLY;BYDAY=1TU"],
      ["2026-12-29T17:00:00Z", "FREQ=MONTHLY;BYDAY=-1TU;INTERVAL=2"],
      ["2026-11-30T07:30:00Z", "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20270415T000000Z"],
      ["2026-12-15T17:00:00Z", "FREQ=MONTHLY;COUNT=12"],
      ["2027-01-12T17:00:00Z", "FREQ=MONTHLY;BYDAY=2TU,4TU;BYMONTH=1,2,3,4,5,6,9,10,11,12"],
      ["2026-12-06T09:00:00Z", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=SU"],
    ] as const;
    const zone = new IcsWriter();
    writeVTimezone(zone, "Europe/Stockholm", 2026, 2028);
    const vtimezone = ICAL.Component.fromString(zone.toString().trim());
    const tz = new ICAL.Timezone(vtimezone);
    for (const [startIso, rule] of rules) {
      const start = utc(startIso);
      const ours = startsBetween(
        { start, timeZone: "Europe/Stockholm", rule: parseRule(rule, noLocalUntil) },
        start,
        utc("2028-06-01T00:00:00Z"),
      ).map(isoOf);
      const dtstart = ICAL.Time.fromJSDate(new Date(start), true).convertToZone(tz);
      const iterator = ICAL.Recur.fromString(rule).iterator(dtstart);
      const theirs: string[] = [];
      for (let next = iterator.next(); next && next.toJSDate().getTime() < utc("2028-06-01T00:00:00Z"); next = iterator.next()) {
        theirs.push(isoOf(next.toJSDate().getTime()));
      }
      expect(ours, rule).toEqual(theirs);
    }
  });
});

describe("iCalendar text", () => {
  it("escapes TEXT values", () => {
    expect(escapeText("a, b; c\\d\nnext")).toBe("a\\, b\\; c\\\\d\\nnext");
  });

  it("folds at 75 octets without splitting a character", () => {
    const line = `DESCRIPTION:${"Årsmöte för medlemmar – välkomna! ".repeat(6)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(" "))).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join("")).toBe(line);
    expect(foldLine("SHORT:line")).toBe("SHORT:line");
  });

  it("writes offsets with seconds only when needed", () => {
    expect(formatOffset(3600_000)).toBe("+0100");
    expect(formatOffset(-(3 * 3600_000 + 30 * 60_000))).toBe("-0330");
    expect(formatOffset(20_700_000)).toBe("+0545");
  });
});

describe("VTIMEZONE from Intl", () => {
  it.each([
    "Europe/Stockholm",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Europe/Dublin",
  ])("gives ical.js the same offsets as Intl for %s, also years past the ones written out", (timeZone) => {
    const w = new IcsWriter();
    writeVTimezone(w, timeZone, 2026, 2027);
    const component = ICAL.Component.fromString(w.toString().trim());
    const tz = new ICAL.Timezone(component);
    for (let t = utc("2026-01-01T00:00:00Z"); t < utc("2031-01-01T00:00:00Z"); t += 5 * 86_400_000 + 3_600_000) {
      const local = ICAL.Time.fromJSDate(new Date(t), true).convertToZone(tz);
      expect(local.utcOffset() * 1000, `${timeZone} at ${isoOf(t)}`).toBe(offsetAt(timeZone, t));
    }
  });
});
