import { z } from "@hono/zod-openapi";
import { and, asc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { formatBlt } from "../voting/blt.ts";
import { lotOrder } from "../voting/lot.ts";
import { countInputOf, standingCandidates } from "./counting.ts";
import type { ElectionRow } from "./elections.service.ts";

/**
 * An election's counted ballots as a BLT file, for auditors who count with their own STV
 * program: candidates by name, withdrawn candidacies as withdrawn candidates (no ballot
 * ranks them: candidacies are withdrawn before voting opens), the seats, and the ballots.
 *
 * BLT has no seed, so the lot the election drew is written out as the tie order: the
 * engine's order of favour is the seeded lot over the standing candidates (src/voting/lot.ts),
 * and a `[tie]` line lists it reversed, as BLT's first-listed candidate loses a tie. Any
 * count of this file that honours `[tie]` breaks every tie as the election's count did.
 * The method and its options are not part of BLT; the JSON form of the same input has them.
 */

const c = schema.electionCandidates;

/** Candidacies withdrawn before voting opened, in the order they were nominated. */
async function withdrawnCandidates(db: Db, electionId: string) {
  return db
    .select({ id: c.id, name: schema.members.name })
    .from(c)
    .innerJoin(schema.members, eq(schema.members.id, c.memberId))
    .where(and(eq(c.electionId, electionId), eq(c.status, "withdrawn")))
    .orderBy(asc(c.id));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Text BLT can carry in a quoted string: no quotes, no line breaks or other control characters. */
const quotable = (text: string) => text.replace(/"/g, "'").replace(controlCharacters, " ").trim();

/**
 * Names in BLT must be distinct; two members may share a name, and an erased member has none.
 * A repeated name gets its place among the namesakes ("Anna Berg (2)").
 */
export function bltNames(candidates: { name: string | null }[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  return candidates.map(({ name }, index) => {
    const base = quotable(name ?? "") || `Candidate ${index + 1}`;
    let count = seen.get(base) ?? 0;
    let unique = base;
    while (taken.has(unique)) unique = `${base} (${++count + 1})`;
    seen.set(base, count);
    taken.add(unique);
    return unique;
  });
}

export async function tallyInputBlt(db: Db, row: ElectionRow): Promise<string> {
  const standing = await standingCandidates(db, row.id);
  const withdrawn = await withdrawnCandidates(db, row.id);
  const input = await countInputOf(
    db,
    row,
    standing.map((s) => s.id),
  );
  const all = [...standing, ...withdrawn];
  const names = bltNames(all);
  const nameOf = new Map(all.map((candidate, index) => [candidate.id, names[index] as string]));
  const name = (id: string) => nameOf.get(id) as string;
  const favour = lotOrder(input.candidates, row.seed);
  return formatBlt({
    title: quotable(row.title),
    candidates: names,
    withdrawn: withdrawn.map((candidate) => name(candidate.id)),
    seats: input.seats,
    tieBreakOrder: favour.length > 0 ? favour.reverse().map(name) : null,
    ballots: input.ballots.map((ballot) => ({
      weight: ballot.weight,
      ranking: ballot.ranking.map((entry) => (typeof entry === "string" ? name(entry) : entry.map(name))),
    })),
  });
}

export const TallyInputQuery = z.object({
  format: z.enum(["json", "blt"]).optional().openapi({
    description:
      "`blt` for the BLT file, `json` for the JSON form; without it the Accept header decides (JSON unless `text/plain` is preferred).",
  }),
});

export const BltText = z.string().openapi({
  description: "The ballots as a BLT file (ERS / OpenSTV / Droop), UTF-8.",
  example: '3 1\n-3\n[tie 2 1]\n4 1 2 0\n3 2 0\n0\n"Anna Berg"\n"Bo Ek"\n"Cecilia Lind"\n"Board 2026"\n',
});

export const bltDescription =
  "With `?format=blt` or `Accept: text/plain` the same ballots come as a BLT file, to count with any STV program: candidates by " +
  "name (namesakes numbered, as `Anna Berg (2)`), withdrawn candidacies as withdrawn candidates (`-N` on the second line), the " +
  "seats, and the election's lot written out as a `[tie]` line (the first listed loses a tie), so every tie breaks as in the " +
  "election's own count. BLT carries no method: count it with the `method` and options of the JSON form (POST /v1/tally takes " +
  "both in the query with a BLT body).";

/** Whether the caller asked for BLT: `format` decides, else the Accept header (JSON on a tie and by default). */
export function wantsBlt(c: Context, format: "json" | "blt" | undefined): boolean {
  if (format) return format === "blt";
  return accepts(c, { header: "Accept", supports: ["application/json", "text/plain"], default: "application/json" }) === "text/plain";
}
