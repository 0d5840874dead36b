import { z } from "@hono/zod-openapi";
import type { MethodName } from "../voting/types.ts";

/**
 * What each counting method takes as options and echoes as parameters, one schema per method,
 * so that a generated client knows, from `method`, the exact shape of `parameters` (a count's)
 * and of `options` (an election's). The engine's modules in src/voting/ are the authority; the
 * schemas follow them key for key (test/tally/parameters.test.ts counts with every method and
 * checks its answer against these).
 */

const Ballot = z.object({ weight: z.number().optional(), ranking: z.array(z.union([z.string(), z.array(z.string())])) });

// ---------------------------------------------------------------- options

const firstDivisor = z.number().openapi({ description: "sainte_lague: 1, 1.2 (default) or 1.4; dhondt: 1 only." });
const cartels = z.array(z.array(z.string())).openapi({ description: "Lists that count as one unit (valsamverkan), by name." });

/** Options per method, by their engine (camelCase) names, as an election stores them and the engine reads them. */
export const methodOptionSchemas = {
  plurality: z.object({}),
  approval: z.object({}),
  majority_runoff: z.object({
    maxMarks: z.number().int().optional().openapi({ description: "Marks a ballot may carry (default: the seats)." }),
    majorityRounds: z.number().int().min(1).max(10).optional().openapi({ description: "Rounds requiring a majority (default 1)." }),
    rounds: z.array(z.array(Ballot)).optional().openapi({
      description: "Ballots of the runoff rounds actually held, one list per round; without it the first ballots are recounted.",
    }),
  }),
  irv: z.object({}),
  sequential_irv: z.object({}),
  scottish_stv: z.object({}),
  meek_stv: z.object({
    variant: z.enum(["droop", "prf_reference"]).optional().openapi({ description: "droop (default) or the PRF reference rule." }),
    precision: z.number().int().optional().openapi({ description: "Decimal places (default 12; 9 for prf_reference)." }),
    omega: z.union([z.string(), z.number()]).optional().openapi({ description: "Convergence tolerance, a decimal." }),
  }),
  wigm_stv: z.object({
    arithmetic: z.enum(["exact", "fixed"]).optional().openapi({ description: "exact (default) or fixed-point." }),
    precision: z.number().int().optional().openapi({ description: "fixed: decimal places." }),
    display: z.number().int().optional().openapi({ description: "exact: decimals shown (default 12)." }),
    lookBack: z.boolean().optional().openapi({ description: "Break ties by earlier stages first." }),
  }),
  schulze: z.object({}),
  schulze_repeated: z.object({}),
  schulze_stv: z.object({}),
  schulze_proportional_ranking: z.object({}),
  dhondt: z.object({ firstDivisor: firstDivisor.optional(), cartels: cartels.optional() }),
  sainte_lague: z.object({ firstDivisor: firstDivisor.optional(), cartels: cartels.optional() }),
} satisfies Record<MethodName, z.ZodObject>;

// ---------------------------------------------------------------- parameters

const tieBreakOrder = z
  .array(z.string())
  .nullable()
  .openapi({ description: "The engine's tie order, most favoured first; null when ties go by candidate order or lot." });
const seed = z.string().openapi({ description: "Seed of the lot." });
const ties = { tieBreakOrder, seed };
const text = z.string();
const withdrawn = z.array(z.string()).openapi({ description: "Candidates skipped on every ballot." });
const stv = { tieRule: text, tieBreakSemantics: text, withdrawn, electOn: text, quota: text };
const irvLike = { ...ties, majority: text, exclusionTies: text };
const schulzeLike = { ...ties, linkStrength: text, unranked: text };
const voteManagement = { ...ties, strength: text, unranked: text, maxWork: z.number() };
const listLike = { ...ties, divisors: text, cartels };

/** Parameters per method: every one that can change the result, as used, with defaults filled in. */
const methodParameterSchemas = {
  plurality: z.object({ ...ties, maxMarks: z.number().int().nullable() }),
  approval: z.object({ ...ties, maxMarks: z.null() }),
  majority_runoff: z.object({
    ...ties,
    maxMarks: z.number().int(),
    majorityRounds: z.number().int(),
    runoffSize: text,
    runoffBallots: z.enum(["supplied", "recount"]),
  }),
  irv: z.object(irvLike),
  sequential_irv: z.object(irvLike),
  scottish_stv: z.object({ ...ties, ...stv, transfer: text, rules: text, quotaValue: text, precision: z.number().int(), rounding: text }),
  meek_stv: z.object({
    ...ties,
    ...stv,
    variant: z.enum(["droop", "prf_reference"]),
    precision: z.number().int(),
    omega: text,
    arithmetic: text,
    keepRounding: text,
    keepFactorUpdate: text,
    convergence: text,
    defeatBatch: text,
  }),
  wigm_stv: z.object({
    ...ties,
    ...stv,
    rules: text,
    transfer: text,
    arithmetic: z.enum(["exact", "fixed"]),
    display: z.number().int().optional().openapi({ description: "exact arithmetic: decimals shown." }),
    precision: z.number().int().optional().openapi({ description: "fixed arithmetic: decimal places." }),
    rounding: text.optional(),
    quotaValue: text,
    lookBack: z.boolean(),
  }),
  schulze: z.object(schulzeLike),
  schulze_repeated: z.object(schulzeLike),
  schulze_stv: z.object(voteManagement),
  schulze_proportional_ranking: z.object(voteManagement),
  dhondt: z.object(listLike),
  sainte_lague: z.object({ ...listLike, firstDivisor: z.number() }),
} satisfies Record<MethodName, z.ZodObject>;

/** PascalCase of a method name, for component names: meek_stv → MeekStv. */
const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_, __, ch: string) => ch.toUpperCase());

type Variants = [z.ZodObject, ...z.ZodObject[]];

/**
 * `{ method, parameters }` of a count, one variant per method: joined (allOf) with the rest of a
 * count's answer, the type of `parameters` follows from `method`.
 */
export const CountMethodParameters = z
  .discriminatedUnion(
    "method",
    Object.entries(methodParameterSchemas).map(([method, parameters]) =>
      z.object({
        method: z.literal(method),
        parameters: parameters.strict().openapi(`${pascal(method)}Parameters`, {
          description: `The parameters of a ${method} count. \`tieBreakOrder\` here is the engine's: most favoured first.`,
        }),
      }),
    ) as unknown as Variants,
  )
  .openapi("CountMethodParameters", { description: "The method of a count and the parameters it used, which follow from it." });

/**
 * The options a request may give for a method: its known keys typed; others are let through to the
 * service, which refuses each by name (`body.options.<key>`). The document lists the known keys only.
 */
export function requestOptionsOf(method: MethodName) {
  return methodOptionSchemas[method].catchall(z.unknown()).openapi({ additionalProperties: false });
}

/** `{ method, options }` of a stored election, one variant per method it may use. */
export function electionMethodOptions(methods: readonly MethodName[]) {
  return z
    .discriminatedUnion(
      "method",
      methods.map((method) =>
        z.object({
          method: z.literal(method),
          options: methodOptionSchemas[method].strict().openapi(`${pascal(method)}Options`, {
            description: `Options of ${method}, as given when the election was made (defaults are not filled in).`,
          }),
        }),
      ) as unknown as Variants,
    )
    .openapi("ElectionMethodOptions", { description: "The counting method and its options, which follow from it." });
}
