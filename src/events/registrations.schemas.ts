import { z } from "@hono/zod-openapi";
import { registrationStatuses } from "../../drizzle/events.ts";
import { IdSchema } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { Instant } from "./events.schemas.ts";

const Status = z.enum(registrationStatuses).openapi({
  description:
    "applied → accepted / waitlisted / declined; cancelled; after the event attended / no_show. A full event puts new registrations on the waiting list; when a place frees up the first waitlisted registration is accepted.",
});

export const RegistrationCreate = z
  .object({
    memberId: IdSchema.optional().openapi({
      description: "With a staff key: the member to register. Members register themselves and leave this out.",
    }),
    occurrenceStart: Instant.optional().openapi({
      description: "For events registered per occurrence: the original start of the occurrence (see `originalStartsAt`).",
    }),
    note: multiline(z.string().trim().max(2000)).optional(),
  })
  .strict()
  .openapi("RegistrationCreate");

export const RegistrationUpdate = z
  .object({
    status: z.enum(["accepted", "waitlisted", "declined", "cancelled", "attended", "no_show"]).openapi({
      description:
        "Members may only cancel their own registration; organisers decide applications and record attendance once the event has begun.",
    }),
  })
  .strict()
  .openapi("RegistrationUpdate");

export const RegistrationPublic = z
  .object({
    id: z.string(),
    eventId: z.string(),
    occurrenceStart: Timestamp.nullable().openapi({
      description: "The occurrence registered for; null when the registration covers the whole event.",
    }),
    member: z.object({ id: z.string(), name: z.string().nullable() }),
    status: Status,
    waitlistPosition: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "1 for the first on the waiting list; null when not waitlisted." }),
    note: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Registration");

export const RegistrationListQuery = PageQuery.extend({
  status: Status.optional(),
  occurrenceStart: Instant.optional(),
});

/** Registrations of an event (or one occurrence, or a campaign) by status, with attendance. */
export const RegistrationCounts = z.object({
  applied: z.number().int(),
  accepted: z.number().int(),
  waitlisted: z.number().int(),
  declined: z.number().int(),
  cancelled: z.number().int(),
  attended: z.number().int(),
  noShow: z.number().int(),
});

export const AttendanceSummary = z
  .object({
    eventId: z.string(),
    capacity: z.number().int().nullable(),
    units: z.array(
      RegistrationCounts.extend({
        occurrenceStart: Timestamp.nullable(),
        placesLeft: z.number().int().nullable().openapi({ description: "null when the event has no capacity limit." }),
      }),
    ),
    totals: RegistrationCounts,
  })
  .openapi("AttendanceSummary");

export const AttendanceQuery = z.object({ occurrenceStart: Instant.optional() });

export type RegistrationCreateInput = z.infer<typeof RegistrationCreate>;
