/**
 * zod as the Worker bundle has it (wrangler.toml aliases "zod" here): the same modules of the
 * installed package, minus what the API never uses and a bundler cannot drop by itself. The
 * routes reach zod through one namespace object (`z`, handed whole to @hono/zod-openapi),
 * so everything it exports stays in the bundle: the error messages in 48 languages
 * (`z.locales`, two fifths of zod; the API answers in English), `z.fromJSONSchema`, the
 * schema compiler (`z.compile` and its kin; the routes parse with the schemas themselves),
 * `z.toJSONSchema` and the converter behind it (./no-json-schema.ts; the document served is
 * the committed one), and `z.core`, whose types the code uses but none of its values.
 * test/platform/zod-lean.test.ts holds this namespace to the installed zod's.
 */
import * as z from "./external.ts";

export * from "./external.ts";
export { z, z as default };
