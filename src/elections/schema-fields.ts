import { z } from "@hono/zod-openapi";
import { multiline } from "../lib/text.ts";

/** Text fields the election domain's schemas share. */
export const Title = z.string().trim().min(1, "must not be empty").max(200);
export const LongText = multiline(z.string().trim().max(20_000));
