import { z } from "@hono/zod-openapi";
import type { FieldError } from "./problems.ts";

/**
 * What text the API accepts, in every string of every request: no control characters
 * (C0, DEL, C1) and no lone UTF-16 surrogates. The database would cut a name at a NUL or
 * turn a lone surrogate into U+FFFD, so such text is refused (422, naming the field)
 * rather than stored as something else than what was sent. Tab, line feed and carriage
 * return are refused too, except in fields marked `multiline` (descriptions, statements,
 * mail bodies): a line break in a name or a subject is never what a user meant, and in a
 * mail header it is dangerous.
 *
 * The check runs in the validation hook of every router (src/http/openapi.ts), over the body,
 * query and path of every request, so no route has to remember it; string schemas only
 * say whether they are multi-line.
 */

/** A no-op check whose presence marks a string schema as multi-line; it survives `.max()`, `.openapi()` and the like. */
const lineBreaksAllowed = z.check<string>(() => {});

/** Marks a string schema as multi-line text: tab, line feed and carriage return are allowed in it. */
export function multiline<T extends z.ZodString>(schema: T): T {
  return schema.check(lineBreaksAllowed) as T;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const lineBreak = /[\t\n\r]/;

const codePoint = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Anything the rules below look at: most text has none of it and is let through at once. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const suspect = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;

/** Why this text is refused, as a field message; undefined when it is acceptable. */
export function unacceptableText(text: string, allowLineBreaks: boolean): string | undefined {
  if (!suspect.test(text)) return undefined;
  const control = controlCharacter.exec(text);
  if (control) return `must not contain control characters (${codePoint(control[0].charCodeAt(0))} at position ${control.index + 1})`;
  const surrogate = loneSurrogate.exec(text);
  if (surrogate)
    return `must be well-formed Unicode (a lone surrogate ${codePoint(surrogate[0].charCodeAt(0))} at position ${surrogate.index + 1})`;
  if (!allowLineBreaks) {
    const line = lineBreak.exec(text);
    if (line)
      return `must be a single line, without tabs or line breaks (${codePoint(line[0].charCodeAt(0))} at position ${line.index + 1})`;
  }
  return undefined;
}

// ---------------------------------------------------------------- walking a value with its schema

/** A schema, or undefined where nothing is known about a position (there, tabs and line breaks are let through). */
type Candidate = z.core.$ZodType | undefined;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

const defOf = (schema: z.core.$ZodType) => schema._zod.def as Def;

/** Schema kinds that say nothing about the text they accept. */
const opaque = new Set(["any", "unknown", "custom"]);

const terminals = new WeakMap<z.core.$ZodType, Candidate[]>();

/** The schemas a value at a position is checked against, with wrappers, pipes and unions opened. */
function terminalsOf(schema: Candidate): Candidate[] {
  if (!schema) return [undefined];
  const known = terminals.get(schema);
  if (known) return known;
  const def = defOf(schema);
  let found: Candidate[];
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      found = terminalsOf(def.innerType as Candidate);
      break;
    case "pipe":
      found = [...terminalsOf(def.in as Candidate), ...terminalsOf(def.out as Candidate)];
      break;
    case "union":
      found = (def.options as Candidate[]).flatMap(terminalsOf);
      break;
    case "intersection":
      found = [...terminalsOf(def.left as Candidate), ...terminalsOf(def.right as Candidate)];
      break;
    case "lazy":
      found = terminalsOf((def.getter as () => Candidate)());
      break;
    case "transform":
      // The input side of the pipe decides what text is accepted.
      found = [];
      break;
    default:
      found = [opaque.has(def.type) ? undefined : schema];
  }
  terminals.set(schema, found);
  return found;
}

// The walk meets the same few candidate lists again and again (every ballot of a list of
// ballots), so what follows from a list is worked out once per list.
const lineBreakRule = new WeakMap<Candidate[], boolean>();
const members = new WeakMap<Candidate[], Map<string, Candidate[]>>();
const elements = new WeakMap<Candidate[], Candidate[]>();

function allowsLineBreaks(candidates: Candidate[]): boolean {
  let allowed = lineBreakRule.get(candidates);
  if (allowed === undefined) {
    allowed = candidatesAllowLineBreaks(candidates);
    lineBreakRule.set(candidates, allowed);
  }
  return allowed;
}

function candidatesAllowLineBreaks(candidates: Candidate[]): boolean {
  return candidates.some((schema) => {
    if (!schema) return true;
    const def = defOf(schema);
    return def.type === "string" && ((def.checks as unknown[] | undefined) ?? []).includes(lineBreaksAllowed);
  });
}

/** Whether text checked by this schema may hold tabs and line breaks. */
export function acceptsLineBreaks(schema: z.core.$ZodType): boolean {
  return allowsLineBreaks(terminalsOf(schema));
}

/** Where a member of an object is checked: its property, a catch-all, or a record's values. */
function memberSchemas(candidates: Candidate[], key: string): Candidate[] {
  let byKey = members.get(candidates);
  if (!byKey) {
    byKey = new Map();
    members.set(candidates, byKey);
  }
  let found = byKey.get(key);
  if (!found) {
    found = findMemberSchemas(candidates, key);
    // Records and catch-alls take any key: remember only the keys a schema names.
    if (byKey.size < 1000) byKey.set(key, found);
  }
  return found;
}

/**
 * The schemas one level down from each candidate, as `childOf` finds them in its definition;
 * a candidate that is not known (undefined) stays unknown below too.
 */
function childSchemas(candidates: Candidate[], childOf: (def: Def) => Candidate | "none"): Candidate[] {
  const out: Candidate[] = [];
  for (const schema of candidates) {
    const child = schema ? childOf(defOf(schema)) : undefined;
    if (child !== "none") out.push(child);
  }
  return out.length > 0 ? out.flatMap(terminalsOf) : [undefined];
}

function findMemberSchemas(candidates: Candidate[], key: string): Candidate[] {
  return childSchemas(candidates, (def) => {
    if (def.type === "object") {
      const shape = def.shape as Record<string, Candidate>;
      if (Object.hasOwn(shape, key)) return shape[key];
      return def.catchall ? (def.catchall as Candidate) : "none";
    }
    return def.type === "record" ? (def.valueType as Candidate) : "none";
  });
}

/** Where every element of an array (not a tuple) is checked. */
function arrayElementSchemas(candidates: Candidate[]): Candidate[] {
  let found = elements.get(candidates);
  if (!found) {
    found = elementSchemas(candidates, 0);
    elements.set(candidates, found);
  }
  return found;
}

function elementSchemas(candidates: Candidate[], index: number): Candidate[] {
  return childSchemas(candidates, (def) => {
    if (def.type === "array") return def.element as Candidate;
    if (def.type !== "tuple") return "none";
    const items = def.items as Candidate[];
    if (index < items.length) return items[index];
    return def.rest ? (def.rest as Candidate) : "none";
  });
}

/** A position in the walked value: its key, and the position it is in. */
interface Place {
  key: string;
  parent?: Place;
}

/** A field path as the problem names it, such as `body.address.street`; a key that is itself bad text is shown escaped. */
function fieldName(place: Place): string {
  const parts: string[] = [];
  for (let at: Place | undefined = place; at; at = at.parent) parts.push(JSON.stringify(at.key).slice(1, -1));
  return parts.reverse().join(".");
}

/**
 * Field errors as the API lists them: bad text first, and a field with bad text reported for
 * that alone (its other complaints follow from it), then the rest.
 */
export function fieldErrorsWith(badText: FieldError[], other: FieldError[]): FieldError[] {
  const flagged = new Set(badText.map((error) => error.field));
  return [...badText, ...other.filter((error) => !flagged.has(error.field))];
}

/**
 * Every string in `value` (a JSON body, a query or the path parameters) that is not
 * acceptable text, with the field it is in. Object keys are text too. The walk keeps its
 * own stack, so no nesting depth can overflow the call stack, and builds a field's name
 * only when it reports it.
 */
export function textErrors(schema: z.core.$ZodType | undefined, value: unknown, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { candidates: Candidate[]; value: unknown; place: Place }[] = [
    { candidates: terminalsOf(schema), value, place: { key: prefix } },
  ];
  while (stack.length > 0) {
    const { candidates, value, place } = stack.pop() as (typeof stack)[number];
    if (typeof value === "string") {
      const problem = unacceptableText(value, allowsLineBreaks(candidates));
      if (problem) errors.push({ field: fieldName(place), message: problem });
    } else if (Array.isArray(value)) {
      // Pushed last to first, so fields are reported in the order they were sent.
      const tuple = candidates.some((candidate) => candidate && defOf(candidate).type === "tuple");
      const same = tuple ? undefined : arrayElementSchemas(candidates);
      for (let index = value.length - 1; index >= 0; index--) {
        const item = { candidates: same ?? elementSchemas(candidates, index), value: value[index] };
        stack.push({ ...item, place: { key: String(index), parent: place } });
      }
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value).reverse()) {
        const keyProblem = unacceptableText(key, false);
        if (keyProblem) errors.push({ field: fieldName({ key, parent: place }), message: `has a name that ${keyProblem}` });
        stack.push({ candidates: memberSchemas(candidates, key), value: item, place: { key, parent: place } });
      }
    }
  }
  return errors;
}
