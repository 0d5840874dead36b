import { createMiddleware } from "hono/factory";
import { apiKeyCaller, bearerToken } from "../http/auth.ts";
import type { AppEnv } from "../http/env.ts";
import { bearerSecurity, createRouter, defineRoute, jsonContent, problems, selfReadJson } from "../http/openapi.ts";
import { ApiError, invalidFields } from "../lib/problems.ts";
import { CountLimitError } from "../voting/limits.ts";
import { type CountInput, CountInputError, type CountResult } from "../voting/types.ts";
import { apiField, inputFromBlt } from "./input.ts";
import { inlineTallyBodyChars, readTallyJson } from "./json-body.ts";
import { limitsDescription } from "./limits-doc.ts";
import { listMethods } from "./methods.ts";
import { type CountRunner, inlineCounter, type TallyJsonOutcome } from "./runner.ts";
import { TallyQuery, TallyRequest, TallyResult } from "./tally.schemas.ts";

/**
 * Largest body of a count: /v1/tally and the elections' paper-ballot import. Official ward
 * files (Edinburgh's reach 1.9 MB) and a 100,000-ballot BLT file are well within it; the
 * count itself is bounded by the limits of src/voting/limits.ts.
 */
export const countUploadMaxBytes = 16 * 1024 * 1024;

const unauthorized = (detail: string) =>
  new ApiError("unauthorized", detail, { headers: { "WWW-Authenticate": 'Bearer realm="grasrot"' } });

/**
 * /v1/tally stands outside every organisation, so the organisation middleware does not
 * run: any valid API key of any organisation may count. Member tokens are refused, as the
 * endpoint is for auditors and integrators.
 */
const anyApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  if (token === undefined) throw unauthorized("This operation needs an API key.");
  const key = await apiKeyCaller(c.get("deps").db, token);
  if (!key) throw unauthorized("The API key is not valid or has been revoked; /v1/tally needs an API key (not a member token).");
  c.set("principal", key.principal);
  return next();
});

const tally = defineRoute({
  method: "post",
  path: "/v1/tally",
  operationId: "tally",
  tags: ["Tally"],
  summary: "Count a set of ballots with any method, without storing anything",
  description:
    "For auditors and integrators: send the ballots as JSON (the reference elections' shape) or as a BLT file " +
    "(`Content-Type: text/plain`, with `method` and options in the query), and get the full count back: winners in order of " +
    "election, every round, every tie and how it was broken. Any API key of any organisation may call it. " +
    "An election's own count is reproduced by sending its ballots with its `seed` and no `tie_break_order`.\n\n" +
    `The body may be up to ${countUploadMaxBytes / 1024 / 1024} MiB (JSON or BLT). ` +
    limitsDescription(),
  security: bearerSecurity,
  middleware: [anyApiKey],
  request: {
    query: TallyQuery,
    body: {
      required: true,
      content: {
        "application/json": { schema: TallyRequest },
        "text/plain": {
          schema: { type: "string", description: "A BLT ballot file (ERS / OpenSTV / Droop, with [nick], [tie], [withdrawn])." },
        },
      },
    },
  },
  responses: {
    200: jsonContent(TallyResult, "The count."),
    ...problems(
      "unauthorized",
      "validation_failed",
      "malformed_body",
      "unsupported_media_type",
      "payload_too_large",
      "idempotency_key_reused",
    ),
  },
});

/** Why a count was refused, as the caller's 422: naming the field (or the BLT line), and the limit when one was reached. */
function explain(error: unknown, blt: boolean): never {
  if (error instanceof CountInputError) {
    const field = apiField(error.field, blt);
    throw new ApiError("validation_failed", `The ballots cannot be counted: ${error.message}`, {
      errors: [{ field, message: error.message }],
      ...(error instanceof CountLimitError ? { extra: { limit: error.limit } } : {}),
    });
  }
  // Pathological sizes (arrays beyond the engine's reach) are the input's fault too.
  if (error instanceof RangeError) {
    throw new ApiError("validation_failed", `The ballots cannot be counted: ${error.message}`, {
      errors: [{ field: "body", message: error.message }],
    });
  }
  throw error;
}

/** Reads the input and counts it with the runtime's runner: large counts never hold up the event loop on Node. */
async function countOrExplain(runner: CountRunner, input: () => CountInput, blt: boolean): Promise<CountResult> {
  try {
    return await runner.count(input());
  } catch (error) {
    explain(error, blt);
  }
}

export function tallyAnswer(result: CountResult) {
  const { seats, ...rest } = result;
  const perList = listMethods.includes(result.method) && result.seatsPerList !== undefined;
  return { ...rest, seats: perList ? (result.seatsPerList as Record<string, number>) : seats, seatCount: seats };
}

/**
 * A JSON body read and counted: by the runner when it reads bodies itself and the body is large
 * (Node's counting threads), else here. Either way the body's faults are the router's own answers:
 * 400 for JSON that does not parse, 422 listing the fields as the validation hook does.
 */
async function countJson(runner: CountRunner, text: string, detail: CountInput["detail"]): Promise<CountResult> {
  let outcome: TallyJsonOutcome;
  try {
    if (runner.countTallyJson && text.length > inlineTallyBodyChars) outcome = await runner.countTallyJson(text, detail);
    else {
      const reading = readTallyJson(text, detail);
      outcome = "input" in reading ? { result: await runner.count(reading.input) } : reading;
    }
  } catch (error) {
    explain(error, false);
  }
  if ("malformed" in outcome) throw new ApiError("malformed_body", "The request body is not valid JSON.");
  if ("invalid" in outcome) throw invalidFields(outcome.invalid);
  return outcome.result;
}

/**
 * Its JSON body is not validated by the router but read by the handler (countJson), so that on
 * Node a large one is parsed and validated in the counting thread.
 */
const { documented, served } = selfReadJson(tally);

const router = createRouter();
router.openAPIRegistry.registerPath(documented);

export const tallyRoutes = router.openapi(served, async (c) => {
  const runner = c.get("deps").counter ?? inlineCounter;
  const { detail } = c.req.valid("query");
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType === "text/plain") {
    const text = await c.req.text();
    // A large file is read, as it is counted, in a counting thread where the runtime has them.
    const result =
      runner.countTallyBlt && text.length > inlineTallyBodyChars
        ? await runner.countTallyBlt(text, c.req.query(), detail).catch((error: unknown) => explain(error, true))
        : await countOrExplain(runner, () => ({ ...inputFromBlt(text, c.req.query()), detail }), true);
    return c.json(tallyAnswer(result), 200);
  }
  return c.json(tallyAnswer(await countJson(runner, await c.req.text(), detail)), 200);
});
