/**
 * zod/v4/core/json-schema-processors.js and to-json-schema.js as the Worker has them
 * (wrangler.toml aliases the specifiers zod's classic schemas import them by): zod can turn
 * any schema into JSON Schema, and every schema it makes holds a function for that, so a
 * bundler keeps the whole converter. The API never converts a schema (its document is the
 * committed one), so here each of those functions only says so. Same names as zod's modules
 * (test/platform/zod-lean.test.ts holds them together).
 */

function unavailable(): never {
  throw new Error("JSON Schema conversion is left out of the Worker's zod (src/lib/zod-lean/no-json-schema.ts).");
}

// to-json-schema.js
export const createToJSONSchemaMethod = () => unavailable;
export const createStandardJSONSchemaMethod = () => unavailable;
export const extractDefs = unavailable;
export const finalize = unavailable;
export const handleUnrepresentable = unavailable;
export const initializeContext = unavailable;
export const processSchema = unavailable;
export { processSchema as process };

// json-schema-processors.js
export const allProcessors = {};
export const aggregateChecks = unavailable;
export const toJSONSchema = unavailable;
export const anyProcessor = unavailable;
export const arrayProcessor = unavailable;
export const bigintProcessor = unavailable;
export const booleanProcessor = unavailable;
export const catchProcessor = unavailable;
export const customProcessor = unavailable;
export const dateProcessor = unavailable;
export const defaultProcessor = unavailable;
export const enumProcessor = unavailable;
export const fileProcessor = unavailable;
export const functionProcessor = unavailable;
export const intersectionProcessor = unavailable;
export const lazyProcessor = unavailable;
export const literalProcessor = unavailable;
export const mapProcessor = unavailable;
export const nanProcessor = unavailable;
export const neverProcessor = unavailable;
export const nonoptionalProcessor = unavailable;
export const nullProcessor = unavailable;
export const nullableProcessor = unavailable;
export const numberProcessor = unavailable;
export const objectProcessor = unavailable;
export const optionalProcessor = unavailable;
export const pipeProcessor = unavailable;
export const prefaultProcessor = unavailable;
export const promiseProcessor = unavailable;
export const readonlyProcessor = unavailable;
export const recordProcessor = unavailable;
export const setProcessor = unavailable;
export const stringProcessor = unavailable;
export const successProcessor = unavailable;
export const symbolProcessor = unavailable;
export const templateLiteralProcessor = unavailable;
export const transformProcessor = unavailable;
export const tupleProcessor = unavailable;
export const undefinedProcessor = unavailable;
export const unionProcessor = unavailable;
export const unknownProcessor = unavailable;
export const voidProcessor = unavailable;
