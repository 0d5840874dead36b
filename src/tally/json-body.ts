/**
 * Reading the JSON body of POST /v1/tally into a CountInput: parsed, validated against
 * TallyRequest and checked as text exactly as the router's validation hook checks every body
 * (src/http/openapi.ts), with the same field errors. It is done here rather than by the router
 * so that the Node runtime can do it in the counting thread: a 16 MiB body of a million
 * ballots takes about a second to parse and validate, a second no other request would be
 * answered. Runtime-neutral and loaded by count-thread.ts, so only erasable TypeScript.
 */
import type { FieldError } from "../lib/problems.ts";
import { fieldErrorsWith, textErrors } from "../lib/text.ts";
import type { CountInput } from "../voting/types.ts";
import { inputFromJson, type TallyJson } from "./input.ts";
import { TallyRequest } from "./tally.schemas.ts";

/** What a body reads as: the count to run, or why it cannot be read (the router's 400 and 422). */
export type TallyJsonReading = { input: CountInput } | { malformed: true } | { invalid: FieldError[] };

/**
 * Bodies (JSON or BLT) up to this size are read on the event loop (a few milliseconds); larger
 * ones, on Node, in the counting thread, whatever the count's size.
 */
export const inlineTallyBodyChars = 256 * 1024;

/**
 * The body as the engine's input. Count errors (an unknown option, a limit) are thrown as the
 * engine throws them; the body's own faults are returned, as the router's hook would list them.
 */
export function readTallyJson(text: string, detail: CountInput["detail"]): TallyJsonReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { malformed: true };
  }
  const parsed = TallyRequest.safeParse(value);
  // The hook checks the text of what the handler would use, or of what was sent when it did not parse.
  const badText = textErrors(TallyRequest, parsed.success ? parsed.data : value, "body");
  if (parsed.success && badText.length === 0) return { input: { ...inputFromJson(parsed.data as TallyJson), detail } };
  const other = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ field: ["body", ...issue.path.map(String)].join("."), message: issue.message }));
  return { invalid: fieldErrorsWith(badText, other) };
}
