/** openapi.json is imported as text (wrangler.toml and vitest.config.ts say so), to be served as it is. */
declare const text: string;
export default text;
