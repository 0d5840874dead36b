/**
 * The organisation's local day (src/lib/dates.ts), which decides every member's status: worked
 * out once a minute per time zone, it must still change at local midnight, and differ
 * between zones at the same instant.
 */
import { describe, expect, it } from "vitest";
import { localDay } from "../../src/lib/dates.ts";

describe("the local day", () => {
  it("changes at local midnight, whatever was asked the minute before", () => {
    // 23:59:30 and 00:00:10 in Stockholm (UTC+1 in winter).
    expect(localDay(new Date("2026-12-31T22:59:30Z"), "Europe/Stockholm")).toBe("2026-12-31");
    expect(localDay(new Date("2026-12-31T22:59:59Z"), "Europe/Stockholm")).toBe("2026-12-31");
    expect(localDay(new Date("2026-12-31T23:00:10Z"), "Europe/Stockholm")).toBe("2027-01-01");
    // Back in time too: a clock set back (as tests and scripts do) gets its own day.
    expect(localDay(new Date("2026-06-01T12:00:00Z"), "Europe/Stockholm")).toBe("2026-06-01");
  });

  it("is the day of each time zone at one instant, and at a quarter-hour offset", () => {
    const instant = new Date("2026-11-30T23:30:00Z");
    expect(localDay(instant, "UTC")).toBe("2026-11-30");
    expect(localDay(instant, "Europe/Stockholm")).toBe("2026-12-01");
    expect(localDay(instant, "America/Guatemala")).toBe("2026-11-30");
    // Nepal is UTC+5:45: its midnight falls on 18:15 UTC.
    expect(localDay(new Date("2026-11-30T18:14:59Z"), "Asia/Kathmandu")).toBe("2026-11-30");
    expect(localDay(new Date("2026-11-30T18:15:00Z"), "Asia/Kathmandu")).toBe("2026-12-01");
  });
});
