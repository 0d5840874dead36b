/**
 * What POST /v1/tally was sent (the reference files' JSON shape, or a BLT file with the
 * method in the query) turned into the engine's CountInput.
 *
 * `tie_break_order` follows the reference files, Droop's BLT `[tie]` line, stv-rs and the
 * Meeks-PRF `tieBreaker`: the candidate listed FIRST loses a tie (is excluded first,
 * elected last). The engine lists the most favoured first, so the order is reversed on the
 * way in. Without an order: with a `seed`, ties go to the engine's lot drawn from that seed
 * (how a stored election counts, so its count can be reproduced here); without either, the
 * candidate order stands in for the tie order, as in Droop and stv-rs, so the earlier
 * candidate loses. One rule for every method, so a caller never needs to know which
 * program a method was checked against.
 */
import { parseBlt } from "../voting/blt.ts";
import { type Ballot, type CountInput, CountInputError, type MethodName } from "../voting/types.ts";
import { camelToSnake, optionKind, optionOutOfBounds, readQueryOption, resolveMethod } from "./methods.ts";

/** Keys of the reference files that describe a case rather than count it; accepted and ignored. */
const informational = new Set(["id", "title", "expected", "source", "expected_provenance", "notes", "divisors", "candidate_names"]);
const known = new Set(["method", "seats", "candidates", "withdrawn", "tie_break_order", "seed", "ballots"]);

export interface TallyJson {
  method: string;
  seats?: number | null;
  candidates: string[];
  withdrawn?: string[] | null;
  tie_break_order?: string[] | null;
  seed?: string;
  ballots: { weight?: number; ranking: (string | string[])[] }[];
  [option: string]: unknown;
}

export function engineTieBreakOrder(given: readonly string[] | null | undefined, candidates: readonly string[], seed?: string) {
  if (given) return [...given].reverse();
  if (seed !== undefined) return null;
  return [...candidates].reverse();
}

function methodOf(name: string, field: string) {
  const resolved = resolveMethod(name);
  if (!resolved) throw new CountInputError(`unknown counting method "${name}"`, field);
  return resolved;
}

/** Reads one option for the method, refusing what the method does not take. */
function setOption(target: Record<string, unknown>, option: { method: MethodName; snakeKey: string; value: unknown; field: string }) {
  const { method, snakeKey, value, field } = option;
  if (optionKind(method, snakeKey) === undefined) throw new CountInputError(`${method} has no option "${snakeKey}"`, field);
  const engineKey = snakeKey.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
  const implied = target[engineKey];
  if (implied !== undefined && implied !== value) {
    throw new CountInputError(`the method name implies ${snakeKey} = ${JSON.stringify(implied)}`, field);
  }
  const outOfBounds = optionOutOfBounds(engineKey, value);
  if (outOfBounds) throw new CountInputError(`${snakeKey} ${outOfBounds}`, field);
  target[engineKey] = value;
}

export function inputFromJson(body: TallyJson): CountInput {
  const { method, options } = methodOf(body.method, "method");
  for (const [key, value] of Object.entries(body)) {
    if (known.has(key) || informational.has(key) || value === undefined) continue;
    setOption(options, { method, snakeKey: key, value, field: key });
  }
  const ballots: Ballot[] = body.ballots.map((ballot) => ({ weight: ballot.weight ?? 1, ranking: ballot.ranking }));
  return {
    method,
    seats: body.seats ?? undefined,
    candidates: body.candidates,
    withdrawn: body.withdrawn ?? [],
    tieBreakOrder: engineTieBreakOrder(body.tie_break_order, body.candidates, body.seed),
    ...(body.seed === undefined ? {} : { seed: body.seed }),
    ballots,
    options,
  };
}

/** A BLT body: candidates, seats, withdrawals, [tie] and ballots from the file; the method and options from the query. */
export function inputFromBlt(text: string, query: Record<string, string>): CountInput {
  const name = query.method;
  if (name === undefined) throw new CountInputError("method is required with a BLT body", "query.method");
  const { method, options } = methodOf(name, "query.method");
  const election = parseBlt(text);
  let seats: number | undefined = election.seats;
  for (const [key, value] of Object.entries(query)) {
    const field = `query.${key}`;
    if (key === "method" || key === "detail") continue;
    if (key === "seats") {
      if (!/^\d{1,6}$/.test(value)) throw new CountInputError("seats must be a whole number", field);
      seats = Number(value);
    } else if (key === "seed") {
    } else {
      const kind = optionKind(method, key);
      if (kind === undefined) throw new CountInputError(`${method} has no option "${key}"`, field);
      const read = readQueryOption(kind, value);
      if (read === undefined) throw new CountInputError(`${key} must be ${kind === "json" ? "JSON" : `a ${kind}`}`, field);
      setOption(options, { method, snakeKey: key, value: read, field });
    }
  }
  // A list of every candidate is how BLT writes "the rest": 0 seats in a file means "rank them all".
  if (seats === 0) seats = undefined;
  return {
    method,
    seats,
    candidates: election.candidates,
    withdrawn: election.withdrawn,
    tieBreakOrder: engineTieBreakOrder(election.tieBreakOrder, election.candidates, query.seed),
    ...(query.seed === undefined ? {} : { seed: query.seed }),
    ballots: election.ballots,
    options,
  };
}

/** The engine names an input field in its own terms; the API answers in the caller's. */
export function apiField(field: string | undefined, blt: boolean): string {
  if (field === undefined) return "body";
  if (field === "detail") return "query.detail";
  if (field.startsWith("line ") || field.startsWith("query.")) return field;
  const renamed = field
    .replace(/^tieBreakOrder/, "tie_break_order")
    .replace(/^options\.(\w+)/, (_, key: string) => (blt ? `query.${camelToSnake(key)}` : camelToSnake(key)))
    .replace(/\[(\d+)\]/g, ".$1");
  if (renamed.startsWith("query.")) return renamed;
  return blt ? (renamed === "method" || renamed === "seats" ? `query.${renamed}` : "body") : `body.${renamed}`;
}
