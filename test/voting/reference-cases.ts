import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The shared reference elections live beside the project, never inside it. */
export const referenceDir = resolve(import.meta.dirname, "../../../shared/reference/elections");

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

/** Every reference case whose method is one of `methods`; loudly empty when ../shared is absent. */
export function referenceCases(...methods: string[]): ReferenceCase[] {
  if (!existsSync(referenceDir)) {
    console.warn(`\n!!! reference elections not found at ${referenceDir}: reference tests are SKIPPED !!!\n`);
    return [];
  }
  return readdirSync(referenceDir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(referenceDir, file), "utf8")) }) as ReferenceCase)
    .filter((c) => methods.includes(c.method));
}

export function rawBlt(name: string): string {
  return readFileSync(join(referenceDir, "raw", name), "utf8");
}
