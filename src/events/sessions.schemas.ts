import { z } from "@hono/zod-openapi";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { Timestamp } from "../lib/fields.ts";
import { Instant } from "./events.schemas.ts";

export const SessionParams = OrgIdParams.extend({
  sessionStart: Instant.openapi({
    param: { name: "sessionStart", in: "path" },
    description: "The session's start as listed (`originalStartsAt` of the occurrence).",
  }),
});

export const SessionAttendanceSet = z
  .object({
    memberId: IdSchema.openapi({ description: "A member holding a place on the event." }),
    attended: z.boolean().openapi({ description: "true: was there; false: was not." }),
  })
  .strict()
  .openapi("SessionAttendanceSet");

export const SessionAttendanceEntry = z
  .object({
    member: z.object({ id: z.string(), name: z.string().nullable() }),
    registrationId: z.string(),
    attended: z.boolean().nullable().openapi({ description: "null: not recorded yet." }),
    recordedAt: Timestamp.nullable(),
  })
  .openapi("SessionAttendanceEntry");

export const SessionAttendanceQuery = PageQuery;
