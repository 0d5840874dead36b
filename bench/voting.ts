/**
 * Counting benchmark, in two parts. Prints figures; asserts nothing about them. Run with
 * `npm run bench:voting` (or `npx tsx bench/voting.ts`; `-- --limits` or `-- --typical`
 * for one part).
 *
 * 1. Typical: 100,000 random ranked ballots over 30 candidates for 7 seats, counted with
 *    each STV method and Schulze (and Schulze STV, which refuses a count of this size).
 * 2. Limits: the largest count each method accepts (src/voting/limits.ts): its candidate
 *    cap, and as many distinct rankings as the work limit allows, found by the work
 *    estimate. The time (wall and CPU) and the answer's size show whether the limits keep
 *    every accepted count within a few seconds and a few MB, as they promise.
 */
import { performance } from "node:perf_hooks";
import { count } from "../src/voting/index.ts";
import { CountLimitError, MAX_WORK, METHOD_LIMITS, planCount } from "../src/voting/limits.ts";
import { seededRandom } from "../src/voting/lot.ts";
import { type Ballot, type CountInput, CountInputError, type MethodName } from "../src/voting/types.ts";

const parts = new Set(process.argv.slice(2));
const runTypical = !parts.has("--limits");
const runLimits = !parts.has("--typical");

/**
 * Ballots with structure, so the count has real work (transfers, exclusions): candidates
 * have a popularity, each voter ranks between 1 and `longest` of them, picked by
 * popularity with noise. Seeded, so every run counts the same ballots. Over many
 * candidates a ballot draws its few names rather than sorting them all.
 */
function randomBallots(seed: string, candidateCount: number, ballotCount: number, longest = candidateCount) {
  const random = seededRandom(seed);
  const candidates = Array.from({ length: candidateCount }, (_, i) => `Candidate ${String(i + 1).padStart(2, "0")}`);
  const popularity = candidates.map(() => 0.2 + random());
  const ballots: Ballot[] = [];
  for (let b = 0; b < ballotCount; b++) {
    const length = 1 + Math.floor(random() ** 2 * longest);
    if (candidateCount > 4 * longest) {
      const picked = new Set<string>();
      while (picked.size < length) {
        // Squaring favours the first candidates: a popularity without sorting everyone.
        picked.add(candidates[Math.floor(random() ** 2 * candidateCount)] as string);
      }
      ballots.push({ weight: 1, ranking: [...picked] });
      continue;
    }
    const scored = candidates.map((name, i) => ({ name, score: (popularity[i] as number) * random() }));
    scored.sort((x, y) => y.score - x.score);
    ballots.push({ weight: 1, ranking: scored.slice(0, length).map((s) => s.name) });
  }
  return { candidates, ballots };
}

function timed(input: CountInput) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  try {
    const result = count(input);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000, result, bytes: JSON.stringify(result).length };
  } catch (error) {
    if (!(error instanceof CountInputError)) throw error;
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000, refused: error.message };
  }
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);

if (runTypical) {
  const [BALLOTS, CANDIDATES, SEATS] = [100_000, 30, 7];
  const started = performance.now();
  const { candidates, ballots } = randomBallots("grasrot-bench", CANDIDATES, BALLOTS);
  console.log(
    `Typical: ${BALLOTS.toLocaleString("en")} ballots over ${CANDIDATES} candidates, ${SEATS} seats (made in ${(performance.now() - started).toFixed(0)} ms)\n`,
  );
  for (const method of ["scottish_stv", "meek_stv", "wigm_stv", "schulze", "schulze_stv"] as MethodName[]) {
    const run = timed({ method, seats: method === "schulze" ? 1 : SEATS, candidates, ballots });
    const shown = run.result ? `${run.result.rounds.length} round(s); elected ${run.result.elected.join(", ")}` : `refused: ${run.refused}`;
    console.log(`${method.padEnd(13)} ${run.ms.toFixed(0).padStart(7)} ms  ${shown}`);
  }
  console.log();
}

/** The largest count of each method: its candidate cap, these seats, rankings up to `longest` long. */
const largest: { method: MethodName; candidates: number; seats?: number; longest: number; rows?: number }[] = [
  { method: "plurality", candidates: 10_000, seats: 10, longest: 10 },
  { method: "approval", candidates: 10_000, seats: 10, longest: 50 },
  { method: "majority_runoff", candidates: 10_000, seats: 10, longest: 10 },
  { method: "irv", candidates: METHOD_LIMITS.irv.candidates, longest: 50 },
  { method: "sequential_irv", candidates: METHOD_LIMITS.sequential_irv.candidates, longest: 50 },
  { method: "scottish_stv", candidates: METHOD_LIMITS.scottish_stv.candidates, seats: 30, longest: 50 },
  { method: "meek_stv", candidates: METHOD_LIMITS.meek_stv.candidates, seats: 30, longest: 50 },
  // Exact WIGM's fractions grow with every surplus (metered): with 30 seats the meter stops it first.
  { method: "wigm_stv", candidates: METHOD_LIMITS.wigm_stv.candidates, seats: 10, longest: 50 },
  { method: "schulze", candidates: METHOD_LIMITS.schulze.candidates, longest: 50 },
  { method: "schulze_repeated", candidates: METHOD_LIMITS.schulze_repeated.candidates, longest: 50 },
  { method: "schulze_stv", candidates: 15, seats: 4, longest: 15 },
  // Completions are metered and grow as 2^places: six places over many rankings fit, ten do not.
  { method: "schulze_proportional_ranking", candidates: 20, seats: 6, longest: 20 },
  { method: "dhondt", candidates: 100, seats: 500, longest: 1, rows: 100 },
  { method: "sainte_lague", candidates: 100, seats: 500, longest: 1, rows: 100 },
];

/** Most rows (distinct rankings, from `pool`) the limits accept for this count. */
function mostRows(base: Omit<CountInput, "ballots">, pool: Ballot[]): number {
  const accepts = (rows: number) => {
    try {
      return planCount({ ...base, ballots: pool.slice(0, rows) }).work <= MAX_WORK;
    } catch (error) {
      if (error instanceof CountLimitError) return false;
      throw error;
    }
  };
  if (!accepts(1)) return 0;
  let [low, high] = [1, pool.length];
  if (accepts(high)) return high;
  while (high - low > Math.max(1, low / 100)) {
    const middle = Math.floor((low + high) / 2);
    if (accepts(middle)) low = middle;
    else high = middle;
  }
  return low;
}

if (runLimits) {
  console.log(`Limits: the largest count each method accepts (work limit ${MAX_WORK.toLocaleString("en")} units)\n`);
  console.log(
    `${"method".padEnd(29)} ${"cands".padStart(6)} ${"seats".padStart(6)} ${"rows".padStart(8)} ${"est. work".padStart(14)} ${"wall ms".padStart(8)} ${"cpu ms".padStart(8)} ${"answer".padStart(9)}`,
  );
  for (const spec of largest) {
    const { candidates, ballots: pool } = randomBallots(`limits-${spec.method}`, spec.candidates, spec.rows ?? 200_000, spec.longest);
    if (spec.method === "dhondt" || spec.method === "sainte_lague") {
      pool.forEach((ballot, i) => {
        ballot.weight = 1_000 + ((i * 7919) % 100_000);
        ballot.ranking = [candidates[i] as string];
      });
    }
    const base = { method: spec.method, seats: spec.seats, candidates };
    const rows = spec.rows ?? mostRows(base, pool);
    const input = { ...base, ballots: pool.slice(0, rows) };
    const { work } = planCount(input);
    const run = timed(input);
    const answer = run.result ? `${(run.bytes / 1e6).toFixed(2)} MB` : "refused";
    console.log(
      `${spec.method.padEnd(29)} ${String(spec.candidates).padStart(6)} ${String(spec.seats ?? "-").padStart(6)} ${String(rows).padStart(8)} ${work.toLocaleString("en").padStart(14)} ${run.ms.toFixed(0).padStart(8)} ${run.cpuMs.toFixed(0).padStart(8)} ${answer.padStart(9)}${run.refused ? `  (${run.refused})` : ""}`,
    );
  }
}
