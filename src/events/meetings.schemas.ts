import { z } from "@hono/zod-openapi";
import { IdSchema } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { QueryBoolean } from "../http/query-fields.ts";
import { Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { Instant } from "./events.schemas.ts";

const OccurrenceStart = Instant.optional().openapi({
  description:
    "For a recurring member meeting: the original start of the occurrence held (see `originalStartsAt`). Leave out for a single meeting.",
});

export const MeetingTarget = z.object({ occurrenceStart: OccurrenceStart }).strict().openapi("MeetingTarget");

export const CheckInCode = z
  .object({
    eventId: z.string(),
    occurrenceStart: Timestamp.nullable(),
    code: z
      .string()
      .openapi({ description: "Shown in the room; members check in with it. A new code replaces the previous one.", example: "K7QX2M9P" }),
  })
  .openapi("CheckInCode");

export const CheckInCreate = z
  .object({
    memberId: IdSchema.optional().openapi({
      description: "With a staff key (or as the meeting's organiser): whom to check in. Members check themselves in.",
    }),
    code: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .optional()
      .openapi({ description: "A member checking themselves in: the code shown in the room." }),
    occurrenceStart: OccurrenceStart,
  })
  .strict()
  .openapi("CheckInCreate");

export const CheckOutCreate = z
  .object({
    memberId: IdSchema.optional().openapi({ description: "With a staff key: who left. Members check themselves out." }),
    occurrenceStart: OccurrenceStart,
  })
  .strict()
  .openapi("CheckOutCreate");

export const AttendancePublic = z
  .object({
    eventId: z.string(),
    occurrenceStart: Timestamp.nullable(),
    member: z.object({ id: z.string(), name: z.string().nullable() }),
    checkedInAt: Timestamp,
    checkedOutAt: Timestamp.nullable(),
    present: z.boolean(),
  })
  .openapi("MeetingAttendance");

export const CheckInListQuery = PageQuery.extend({
  occurrenceStart: OccurrenceStart,
  present: QueryBoolean.optional().openapi({ description: "true: only those present; false: only those who left." }),
});

export const RegisterQuery = PageQuery.extend({ occurrenceStart: OccurrenceStart });

export const VotingRegisterPublic = z
  .object({
    eventId: z.string(),
    occurrenceStart: Timestamp.nullable(),
    fixed: z.boolean(),
    fixedAt: Timestamp.nullable(),
    count: z.number().int().openapi({ description: "Members on the register now." }),
    members: z
      .array(z.object({ id: z.string(), name: z.string().nullable(), addedAt: Timestamp }))
      .nullable()
      .openapi({ description: "The register, a page at a time (by member id); null for members, who see the count only." }),
    nextCursor: z.string().nullable(),
  })
  .openapi("VotingRegister");

export const RegisterChangeCreate = z
  .object({
    memberId: IdSchema,
    change: z.enum(["add", "remove"]).openapi({ description: "add: a late arrival (checked in, in standing); remove: someone who left." }),
    note: multiline(z.string().trim().max(500)).optional(),
    occurrenceStart: OccurrenceStart,
  })
  .strict()
  .openapi("VotingRegisterChangeCreate");

export const RegisterChangePublic = z
  .object({
    id: z.string(),
    memberId: z.string().nullable().openapi({ description: "Null for the fixing of the register." }),
    change: z.enum(["fixed", "added", "removed"]),
    note: z.string().nullable(),
    sizeAfter: z.number().int(),
    changedAt: Timestamp,
  })
  .openapi("VotingRegisterChange");
