import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

/** The shared reference elections live beside the project, never inside it. */
export const referenceDir = resolve(import.meta.dirname, "../../../shared/reference/elections");

/** Whether the reference elections are here; the tests generated from them exist only if so. */
export const referenceAvailable = existsSync(referenceDir);

/** CI must count every reference election: there a missing folder fails the run rather than shrinking it. */
const referenceRequired = !["", "0", "false"].includes((process.env.CI ?? "").toLowerCase());

/** A test that needs the reference elections: reported skipped, never passed, when they are missing. */
export const itWithReference = it.skipIf(!referenceAvailable);

/**
 * Stands in for the `count` tests a file generates from the reference elections when the
 * folder is missing. Under CI that is a failing test. Elsewhere it is a loud warning and
 * one skipped test per case, so the run's summary counts every case that did not run.
 */
export function accountForMissingReference(what: string, count: number): void {
  if (referenceAvailable) return;
  if (referenceRequired) {
    it(`finds the reference elections (${what}) at ${referenceDir}`, () => {
      expect.fail(`${referenceDir} is missing; CI is set, so the ${count} ${what} must run`);
    });
    return;
  }
  console.warn(`\n!!! ${count} ${what} SKIPPED: reference elections not found at ${referenceDir} !!!\n`);
  for (let n = 1; n <= count; n++) it.skip(`${what}: ${n} of ${count} (reference elections missing)`, () => {});
}

export interface ReferenceCase {
  file: string;
  id: string;
  method: string;
  seats: number | null;
  candidates: string[];
  withdrawn: string[];
  tie_break_order: string[] | null;
  first_divisor?: number;
  expected: Record<string, unknown> & { elected?: unknown; election_order?: string[] };
  notes?: string;
  ballots: { weight: number; ranking: (string | string[])[] }[];
}

/** Every reference case whose method is one of `methods`; empty when the folder is missing (see accountForMissingReference). */
export function referenceCases(...methods: string[]): ReferenceCase[] {
  if (!referenceAvailable) return [];
  return readdirSync(referenceDir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(referenceDir, file), "utf8")) }) as ReferenceCase)
    .filter((c) => methods.includes(c.method));
}

export function rawBlt(name: string): string {
  return readFileSync(join(referenceDir, "raw", name), "utf8");
}
