import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The API's errors as values of the domain: services throw them wherever a request cannot
 * be served, without knowing how they are rendered (problem+json, src/http/problem.ts).
 */

/**
 * The closed set of problems the API can answer with. Frontends switch on `code`;
 * `type` is the same code as a URI, as RFC 9457 wants.
 */
export const problemCatalogue = {
  bad_request: { status: 400, title: "Bad request" },
  malformed_body: { status: 400, title: "Malformed request body" },
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Not allowed" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  gone: { status: 410, title: "Gone" },
  precondition_failed: { status: 412, title: "Precondition failed" },
  payload_too_large: { status: 413, title: "Request body too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  validation_failed: { status: 422, title: "Validation failed" },
  idempotency_key_reused: { status: 422, title: "Idempotency key reused" },
  too_many_requests: { status: 429, title: "Too many requests" },
  internal_error: { status: 500, title: "Internal error" },
  service_unavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof problemCatalogue;

export interface FieldError {
  /** Where the problem is: `body.email`, `query.limit`, `path.id`, `header.if-match`, `row 3 column email`. */
  field: string;
  message: string;
}

/** The one error class of the API: anything thrown as ApiError reaches the client as problem+json. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly title: string;

  readonly code: ProblemCode;
  readonly detail: string;
  readonly options: { errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> };

  constructor(code: ProblemCode, detail: string, options: ApiError["options"] = {}) {
    super(detail);
    this.code = code;
    this.detail = detail;
    this.options = options;
    this.name = "ApiError";
    this.status = problemCatalogue[code].status;
    this.title = problemCatalogue[code].title;
  }
}

export const notFound = (what: string) => new ApiError("not_found", `${what} was not found.`);
export const conflict = (detail: string, extra?: Record<string, unknown>) => new ApiError("conflict", detail, { extra });
export const invalid = (field: string, message: string) =>
  new ApiError("validation_failed", `${field}: ${message}`, { errors: [{ field, message }] });

/**
 * A 422 naming every field at fault, so a client can show them all at once; the detail
 * lists them after `what`: "The request is not valid: body.a: …; body.b: …".
 */
export const invalidFields = (errors: FieldError[], what = "The request is not valid") =>
  new ApiError("validation_failed", `${what}: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`, { errors });
