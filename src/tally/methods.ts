import { methods } from "../voting/index.ts";
import type { MethodName } from "../voting/types.ts";

/** The engine's method names, in the order the API documents them. */
export const methodNames = Object.keys(methods) as MethodName[];

/**
 * Names the reference elections use for the same counts. Each alias may imply options
 * (the PRF reference rule is Meek with the PRF's rounding).
 */
export const methodAliases: Record<string, { method: MethodName; options?: Record<string, unknown> }> = {
  plurality_at_large: { method: "plurality" },
  sainte_lague_modified: { method: "sainte_lague" },
  meek_stv_prf_reference: { method: "meek_stv", options: { variant: "prf_reference" } },
};

export const acceptedMethodNames = [...methodNames, ...Object.keys(methodAliases)] as [string, ...string[]];

export function resolveMethod(name: string): { method: MethodName; options: Record<string, unknown> } | undefined {
  if ((methodNames as string[]).includes(name)) return { method: name as MethodName, options: {} };
  const alias = methodAliases[name];
  return alias ? { method: alias.method, options: { ...alias.options } } : undefined;
}

/** How an option's value is read from a query string; JSON bodies carry typed values already. */
type OptionKind = "integer" | "number" | "boolean" | "string" | "json";

/** Every option a method takes, by its engine (camelCase) name. The API takes the snake_case form. */
export const methodOptions: Record<MethodName, Record<string, OptionKind>> = {
  plurality: {},
  approval: {},
  majority_runoff: { maxMarks: "integer", majorityRounds: "integer", rounds: "json" },
  irv: {},
  sequential_irv: {},
  scottish_stv: {},
  meek_stv: { variant: "string", precision: "integer", omega: "string" },
  wigm_stv: { arithmetic: "string", precision: "integer", display: "integer", lookBack: "boolean" },
  schulze: {},
  schulze_repeated: {},
  schulze_stv: {},
  schulze_proportional_ranking: {},
  dhondt: { firstDivisor: "number", cartels: "json" },
  sainte_lague: { firstDivisor: "number", cartels: "json" },
};

/**
 * Bounds the engine does not enforce itself. majority_runoff recounts the same ballots
 * in every majority round, so a huge `majorityRounds` would loop for ever; statutes ask
 * for one or two majority rounds.
 */
const optionBounds: Record<string, { min: number; max: number }> = { majorityRounds: { min: 1, max: 10 } };

/** Why an option value is out of bounds, or null. */
export function optionOutOfBounds(engineKey: string, value: unknown): string | null {
  const bounds = optionBounds[engineKey];
  if (!bounds || typeof value !== "number") return null;
  return value < bounds.min || value > bounds.max ? `must be from ${bounds.min} to ${bounds.max}` : null;
}

/** Methods that distribute seats between lists rather than elect candidates. */
export const listMethods: readonly MethodName[] = ["dhondt", "sainte_lague"];

/** Methods whose result is an ordered list (a gender rule may then reorder it). */
export const rankingMethods: readonly MethodName[] = ["sequential_irv", "schulze_repeated", "schulze_proportional_ranking"];

export const snakeToCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
export const camelToSnake = (key: string) => key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

export function optionKind(method: MethodName, snakeKey: string): OptionKind | undefined {
  return methodOptions[method][snakeToCamel(snakeKey)];
}

/** A query-string value as the option's type; undefined when it cannot be read as one. */
export function readQueryOption(kind: OptionKind, text: string): unknown {
  switch (kind) {
    case "integer":
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case "number":
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
    case "string":
      return text;
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
  }
}
