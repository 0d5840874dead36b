import { z } from "@hono/zod-openapi";

/** The query and the answer of every list, as the OpenAPI document shows them; the cursors themselves are in src/db/cursors.ts. */

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Items per page, 1–200.", example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "The `nextCursor` of the previous page." }),
});

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
    })
    .openapi(name);
}
