import { describe, expect, it } from "vitest";
import { turns, yieldToEventLoop } from "../../src/lib/yield.ts";
import { turnsWhile } from "../helpers/event-loop.ts";

/**
 * The mail sender's lanes give way to the event loop before each round. Each waiting for an
 * immediate of its own, they would all go on in the same turn of the loop, back to back;
 * taking turns, every round begins in a turn of its own, with the loop's other work between.
 */
async function roundsSeeing(wait: () => Promise<void>) {
  const seen: number[] = [];
  await turnsWhile(async (turnsSoFar) => {
    const lane = async () => {
      for (let round = 0; round < 5; round++) {
        await wait();
        seen.push(turnsSoFar());
      }
    };
    await Promise.all([lane(), lane(), lane()]);
  });
  return seen;
}

describe("lanes taking turns", () => {
  it("begin each round in a turn of the event loop of its own", async () => {
    const seen = await roundsSeeing(turns());
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
  });

  it("is needed: lanes that each wait for an immediate go on together", async () => {
    const seen = await roundsSeeing(yieldToEventLoop);
    expect(new Set(seen).size).toBeLessThan(seen.length);
  });
});
