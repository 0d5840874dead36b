/**
 * Counting benchmark: 100,000 random ranked ballots over 30 candidates for 7 seats,
 * counted with each STV method and Schulze (and Schulze STV, which refuses a count of
 * this size: it compares every set of 8 of the 30 candidates). Prints the times; asserts
 * nothing about them. Run with `npm run bench:voting` (or `npx tsx bench/voting.ts`).
 */
import { performance } from "node:perf_hooks";
import { count } from "../src/voting/index.ts";
import { seededRandom } from "../src/voting/lot.ts";
import { type Ballot, CountInputError, type MethodName } from "../src/voting/types.ts";

const BALLOTS = 100_000;
const CANDIDATES = 30;
const SEATS = 7;

/**
 * Ballots with structure, so the count has real work (transfers, exclusions): candidates
 * have a popularity, each voter ranks between 1 and all of them, picked by popularity
 * with noise. Seeded, so every run counts the same ballots.
 */
function randomBallots(seed: string): { candidates: string[]; ballots: Ballot[] } {
  const random = seededRandom(seed);
  const candidates = Array.from({ length: CANDIDATES }, (_, i) => `Candidate ${String(i + 1).padStart(2, "0")}`);
  const popularity = candidates.map(() => 0.2 + random());
  const ballots: Ballot[] = [];
  for (let b = 0; b < BALLOTS; b++) {
    const length = 1 + Math.floor(random() ** 2 * CANDIDATES);
    const scored = candidates.map((name, i) => ({ name, score: (popularity[i] as number) * random() }));
    scored.sort((x, y) => y.score - x.score);
    ballots.push({ weight: 1, ranking: scored.slice(0, length).map((s) => s.name) });
  }
  return { candidates, ballots };
}

const methods: MethodName[] = ["scottish_stv", "meek_stv", "wigm_stv", "schulze", "schulze_stv"];

const started = performance.now();
const { candidates, ballots } = randomBallots("grasrot-bench");
console.log(
  `${BALLOTS.toLocaleString("en")} ballots over ${CANDIDATES} candidates, ${SEATS} seats (made in ${(performance.now() - started).toFixed(0)} ms)`,
);
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);

for (const method of methods) {
  const start = performance.now();
  try {
    const result = count({ method, seats: method === "schulze" ? 1 : SEATS, candidates, ballots });
    const ms = performance.now() - start;
    const shown = method === "schulze" ? `winner ${result.elected[0]}; full ranking computed` : `elected ${result.elected.join(", ")}`;
    console.log(`${method.padEnd(13)} ${ms.toFixed(0).padStart(7)} ms  ${result.rounds.length} round(s); ${shown}`);
  } catch (error) {
    if (!(error instanceof CountInputError)) throw error;
    const ms = performance.now() - start;
    console.log(`${method.padEnd(13)} ${ms.toFixed(0).padStart(7)} ms  refused: ${error.message}`);
  }
}
