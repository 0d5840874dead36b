/**
 * A small typed client of the Grasrot API: openapi-fetch over the types that openapi-typescript
 * generates from the API's own document (schema.d.ts, written by `npm run openapi`). Every path,
 * parameter, body and answer is checked by the compiler; problems (RFC 9457) are typed too.
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.d.ts";

export type { components, operations, paths } from "./schema.d.ts";

/** Every schema of the API by its name, e.g. `Schemas["Member"]`. */
export type Schemas = components["schemas"];

/** The body of every error: `code` is one of a closed set, `errors` lists invalid fields. */
export type Problem = Schemas["Problem"];

export type GrasrotClient = Client<paths>;

export interface GrasrotClientOptions {
  /** Where the API is, e.g. `https://api.example.org` (without `/v1`). */
  baseUrl: string;
  /** An API key (`grs_…`), a member token, or the operator's key; sent as `Authorization: Bearer …`. */
  token?: string;
  /** A fetch of your own (tests, proxies); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** A client for one caller. Each call answers `{ data }` on success or `{ error }` with the problem, and the `response`. */
export function createGrasrotClient(options: GrasrotClientOptions): GrasrotClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    headers: options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

/** A problem answered by the API, thrown by `expectData`. */
export class ProblemError extends Error {
  readonly problem: Problem;
  readonly status: number;

  constructor(problem: Problem, status: number) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.problem = problem;
    this.status = status;
    this.name = "ProblemError";
  }
}

/** The outcome of a call as openapi-fetch answers it: data or a problem (every error of the API is a Problem), never both. */
interface Outcome {
  data?: unknown;
  error?: Problem;
  response: Response;
}

/**
 * The data of a successful call; a problem is thrown as a ProblemError. For scripts that stop
 * at the first problem; where a problem is expected, look at `error` instead.
 */
export async function expectData<Result extends Outcome>(call: Promise<Result>): Promise<NonNullable<Result["data"]>> {
  const { data, error, response } = await call;
  if (error !== undefined) throw new ProblemError(error, response.status);
  return data as NonNullable<Result["data"]>;
}
