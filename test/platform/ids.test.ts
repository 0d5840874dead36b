/**
 * Ids are UUIDv7: the instant in their first 48 bits, so that they sort by creation, and
 * random bits after it, distinct however many are made in one millisecond (an import makes
 * 100,000 in a few), across the refills of the pool their random bytes come from.
 */
import { describe, expect, it } from "vitest";
import { newId, uuidPattern } from "../../src/lib/ids.ts";

describe("ids", () => {
  it("carry their instant, the version and the variant, and sort by creation", () => {
    const at = new Date("2026-11-30T22:50:00.123Z");
    const id = newId(at);
    expect(id).toMatch(uuidPattern);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at.getTime());
    expect(id[14]).toBe("7");
    expect("89ab").toContain(id[19]);
    expect(newId(new Date(at.getTime() + 1)) > id).toBe(true);
  });

  it("are distinct by the tens of thousands within one millisecond", () => {
    const at = new Date("2026-11-30T22:50:00.123Z");
    const ids = Array.from({ length: 20_000 }, () => newId(at));
    expect(new Set(ids).size).toBe(ids.length);
    // The random part is random: every hex digit shows up in its first position.
    expect(new Set(ids.map((id) => id[20])).size).toBe(16);
  });
});
