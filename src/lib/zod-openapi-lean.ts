/**
 * @asteasolutions/zod-to-openapi as the Worker has it (wrangler.toml aliases the package
 * here): @hono/zod-openapi keeps a registry of every route for the document generator, but
 * the Worker serves the committed document as text and never generates one, and its build
 * has no schema metadata to keep (scripts/worker-source.ts takes `.openapi(…)` out). So the
 * registry keeps nothing, `.openapi(…)` returns the schema itself, and the generators refuse
 * to run; the routes validate requests exactly as with the full package.
 */

type Schema = { openapi?: unknown };

/** Registers nothing: the document the Worker serves is the committed one. */
export class OpenAPIRegistry {
  readonly definitions: never[] = [];
  registerPath(): void {}
  registerWebhook(): void {}
  registerComponent(): void {}
  register<T>(_refId: string, schema: T): T {
    return schema;
  }
  registerParameter<T>(_refId: string, schema: T): T {
    return schema;
  }
}

export class OpenApiGeneratorV3 {
  constructor() {
    throw new Error("The Worker serves the committed OpenAPI document; generate it on Node (npm run openapi).");
  }
}
export const OpenApiGeneratorV31 = OpenApiGeneratorV3;
export const OpenApiGeneratorV32 = OpenApiGeneratorV3;

/** `schema.openapi(…)` for any call the build left in: the schema itself, as the metadata is never read. */
export function extendZodWithOpenApi(zod: { ZodType: { prototype: Schema } }): void {
  zod.ZodType.prototype.openapi ??= function (this: unknown) {
    return this;
  };
}

export function getOpenApiMetadata(): Record<string, never> {
  return {};
}
