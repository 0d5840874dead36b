import { z } from "@hono/zod-openapi";
import { QueryBoolean, QueryInteger, QueryNumber } from "../http/query-fields.ts";
import { MAX_MATRIX_CELLS } from "../voting/limits.ts";
import { acceptedMethodNames } from "./methods.ts";
import { CountMethodParameters } from "./parameters.schemas.ts";

/** The engine's CountResult as the API shows it: in a tally answer and in an election's result. */

const Votes = z.string().openapi({ description: "Votes as a decimal string, exact at the method's precision.", example: "1001.00000" });

export const RoundSchema = z
  .object({
    number: z.number().int(),
    action: z.string().openapi({ description: "What happened in the round, as a returning officer would write it." }),
    tallies: z.record(z.string(), Votes).openapi({ description: "Votes per candidate (or list) at the end of the round." }),
    exhausted: Votes.optional().openapi({ description: "Votes no longer counting for anyone, where the method has them." }),
    elected: z.array(z.string()),
    excluded: z.array(z.string()),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Method specifics: quota, keep factors, pairwise matrices, comparison numbers." }),
  })
  .openapi("CountRound");

export const TieSchema = z
  .object({
    round: z.number().int(),
    decides: z.string().openapi({ description: "What the tie decided: elect, exclude, surplus, seat, rank, runoff." }),
    candidates: z.array(z.string()),
    resolvedBy: z.enum(["earlier_round", "tie_break_order", "lot"]),
    chosen: z.string(),
  })
  .openapi("CountTie");

export const BallotSummarySchema = z
  .object({
    total: z.number().openapi({ description: "Weight of every ballot supplied." }),
    valid: z.number(),
    blank: z.number().openapi({ description: "Ballots with no preference for a standing candidate." }),
    invalid: z.number().openapi({ description: "Ballots the method's rules reject (more marks than allowed, a candidate twice, …)." }),
  })
  .openapi("BallotSummary");

/** A count's answer but its method and parameters, which CountMethodParameters joins to it. */
const CountResultBase = z.object({
  seats: z.number().int().openapi({ description: "Seats filled (for ranking methods: places ranked)." }),
  elected: z
    .array(z.string())
    .openapi({ description: "In order of election; list methods: one entry per seat, in the order seats were awarded." }),
  ranking: z.array(z.string()).optional().openapi({ description: "Ranking methods: the full order." }),
  seatsPerList: z.record(z.string(), z.number().int()).optional().openapi({ description: "List methods: seats per list." }),
  rounds: z.array(RoundSchema),
  ties: z.array(TieSchema).openapi({ description: "Every tie that mattered, and how it was broken." }),
  ballots: BallotSummarySchema,
});

export const CountResultSchema = CountResultBase.and(CountMethodParameters).openapi("CountResult", {
  description: "The count, with `method` and the `parameters` that method used (every one that can change the result, defaults filled in).",
});

const Ranking = z.array(z.union([z.string(), z.array(z.string())])).openapi({
  description:
    "Most preferred first; a list of names is an equal preference. Plurality and approval: the marked candidates, order ignored. List methods: one entry, the list.",
  example: ["Alice", ["Bob", "Chris"]],
});

export const TallyRequest = z
  .object({
    method: z.enum(acceptedMethodNames).openapi({
      description:
        "Counting method. The reference names plurality_at_large, sainte_lague_modified and meek_stv_prf_reference are aliases " +
        "(the last is meek_stv with variant prf_reference).",
    }),
    seats: z.number().int().min(0).max(100_000).nullable().optional().openapi({
      description: "Seats to fill; for ranking methods the list length (absent or null: every candidate).",
    }),
    candidates: z.array(z.string().min(1).max(500)).min(1).max(10_000).openapi({ description: "Candidate (or list) names." }),
    withdrawn: z.array(z.string()).nullable().optional().openapi({
      description: "Candidates who withdrew after ballots were cast: skipped on every ballot.",
    }),
    tie_break_order: z
      .array(z.string())
      .nullable()
      .optional()
      .openapi({
        description:
          "As in the reference files and a BLT [tie] line: the candidate listed FIRST loses a tie (is excluded first, elected last). " +
          "Unlisted candidates lose to listed ones and are ordered among themselves by lot. Absent or null: with `seed`, ties are " +
          "decided by the lot drawn from the seed; without, by candidate order (the earlier candidate loses), as Droop and stv-rs do.",
      }),
    seed: z.string().min(1).max(200).optional().openapi({
      description: "Seed of the lot for ties not decided otherwise; a stored election's seed reproduces its count.",
    }),
    ballots: z
      .array(
        z
          .object({
            weight: z.number().min(0).optional().openapi({ description: "Identical ballots this row stands for (default 1)." }),
            ranking: Ranking,
          })
          .openapi("TallyBallot"),
      )
      .max(1_000_000),
  })
  .catchall(z.unknown())
  .openapi("TallyRequest", {
    description:
      "The reference files' shape. Further snake_case keys are method options: first_divisor and cartels (dhondt, sainte_lague); " +
      "variant, precision, omega (meek_stv); arithmetic, precision, display, look_back (wigm_stv); max_marks, majority_rounds, " +
      "rounds (majority_runoff). A key a method does not take is refused. The descriptive keys of the reference files " +
      "(id, title, expected, source, expected_provenance, notes, divisors) are accepted and ignored.",
  });

export const TallyQuery = z.object({
  detail: z
    .enum(["pairwise"])
    .optional()
    .openapi({
      description:
        "pairwise: add the Schulze methods' candidates × candidates matrices (pairwise preferences, strongest paths, links) to the " +
        `rounds' details. Bounded: refused (422, limit \`matrix entries\`) beyond ${MAX_MATRIX_CELLS.toLocaleString("en-GB")} entries.`,
    }),
  method: z.enum(acceptedMethodNames).optional().openapi({ description: "Required with a BLT body." }),
  seats: QueryInteger.optional().openapi({ description: "BLT: overrides the seats of the file." }),
  seed: z.string().optional().openapi({ description: "Seed of the lot (see `tie_break_order` of the JSON body)." }),
  first_divisor: QueryNumber.optional().openapi({ description: "sainte_lague: first divisor (default 1.2); dhondt: 1 only." }),
  cartels: z.string().optional().openapi({ description: 'List methods: cartels as JSON, e.g. [["D","E"]].' }),
  variant: z.string().optional().openapi({ description: "meek_stv: droop (default) or prf_reference." }),
  precision: QueryInteger.optional().openapi({ description: "meek_stv, wigm_stv: decimal places." }),
  omega: z
    .string()
    .optional()
    .openapi({ description: "meek_stv: convergence tolerance, a decimal such as 0.000001 (kept as text: it is exact)." }),
  arithmetic: z.string().optional().openapi({ description: "wigm_stv: exact (default) or fixed." }),
  display: QueryInteger.optional().openapi({ description: "wigm_stv: decimals shown." }),
  look_back: QueryBoolean.optional().openapi({ description: "wigm_stv: true to break ties by earlier stages first." }),
  max_marks: QueryInteger.optional().openapi({ description: "majority_runoff: marks a ballot may carry." }),
  majority_rounds: QueryInteger.optional().openapi({ description: "majority_runoff: rounds requiring a majority." }),
  rounds: z.string().optional().openapi({ description: "majority_runoff: the rounds as JSON, as in the JSON body's `rounds`." }),
});

export const TallyResult = CountResultBase.omit({ seats: true })
  .extend({
    seats: z.union([z.number().int(), z.record(z.string(), z.number().int())]).openapi({
      description: "List methods: seats per list (the contract's name; the same as `seatsPerList`). Other methods: the seats filled.",
    }),
    seatCount: z.number().int().openapi({ description: "Seats filled (for ranking methods: places ranked)." }),
  })
  .and(CountMethodParameters)
  .openapi("TallyResult");
