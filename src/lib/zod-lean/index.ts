/**
 * zod as the Worker bundle has it (wrangler.toml aliases "zod" here): the same modules of the
 * installed package, minus what the API never uses and a bundler cannot drop by itself: the
 * error messages in 48 languages (`z.locales`, two fifths of zod; the API answers in English),
 * `z.fromJSONSchema`, the schema compiler (`z.compile` and its kin; the routes parse with the
 * schemas themselves), `z.toJSONSchema` and the converter behind it (./no-json-schema.ts; the
 * document served is the committed one), and `z.core`, whose types the code uses but none of
 * its values. test/platform/zod-lean.test.ts holds these exports to the installed zod's.
 *
 * The API's modules reach zod as a namespace, `import * as z from "zod"` (the Worker's build
 * writes their `import { z }` so, scripts/worker-source.ts), of which the bundler keeps what
 * they use. The `z` object is another matter: an object holding all of zod would keep all of
 * zod. Its one reader in the Worker is @hono/zod-openapi, which hands it to
 * `extendZodWithOpenApi` (src/lib/zod-openapi-lean.ts reads `ZodType` alone) and exports it
 * again; so here `z` holds `ZodType`, and says so if asked for anything else.
 */
import { ZodType } from "./external.ts";

export * from "./external.ts";

const members = { ZodType };

export const z = new Proxy(members, {
  get(target, name) {
    if (name in target || typeof name === "symbol") return target[name as keyof typeof target];
    throw new Error(
      `The Worker's zod object holds ZodType alone; import zod as a namespace (import * as z from "zod") to use z.${String(name)} (src/lib/zod-lean/index.ts).`,
    );
  },
}) as typeof import("./external.ts");
export { z as default };
