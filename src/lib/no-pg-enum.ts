/**
 * drizzle-orm's pg-core/columns/enum.js as the Worker has it (wrangler.toml aliases the
 * specifier drizzle's sql.js imports it by; nothing else does). sql.js asks of every chunk
 * of a query whether it is a PostgreSQL enum, which pulls PostgreSQL's column classes into a
 * SQLite Worker. The question is asked here as drizzle asks it, by the symbol drizzle marks
 * its enums with (test/platform/no-pg-enum.test.ts holds the two together); this database
 * never has one.
 */
const isPgEnumSymbol = Symbol.for("drizzle:isPgEnum");

export function isPgEnum(value: unknown): boolean {
  return (
    !!value &&
    typeof value === "function" &&
    isPgEnumSymbol in value &&
    (value as unknown as Record<symbol, unknown>)[isPgEnumSymbol] === true
  );
}
