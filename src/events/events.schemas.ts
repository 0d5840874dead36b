import { z } from "@hono/zod-openapi";
import { eventKinds, eventStatuses, eventVisibilities, registrationModes, registrationScopes } from "../../drizzle/events.ts";
import { IdSchema } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { NameField, Timestamp, TimeZoneField } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { CountryField } from "../members/members.schemas.ts";
import { LinkedPartner, PartnerIdsField, ProgrammeAreaIdsField, ProgrammeAreaQuery } from "../programmes/programme-areas.schemas.ts";

/** Longest single occurrence: a weekend course or a camp, not a season. */
export const maxDurationDays = 31;
/** Widest range a calendar query may ask for. */
export const maxRangeDays = 366;

export const Instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time with Z or an offset, such as 2026-12-01T18:00:00+01:00" })
  .openapi({ example: "2026-12-01T17:00:00.000Z" });

const Kind = z.enum(eventKinds).openapi({ description: "What sort of event it is." });
const Visibility = z.enum(eventVisibilities).openapi({
  description: "public: anyone, also without a key; members: every member; group: the members of the organising group (needs `groupId`).",
});
const Status = z.enum(eventStatuses);

const LocationInput = z
  .object({
    address: multiline(z.string().trim().max(500)).nullable().optional(),
    onlineUrl: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
      .max(1000)
      .nullable()
      .optional(),
  })
  .strict();

const RecurrenceInput = z
  .object({
    rrule: z
      .string()
      .max(500)
      .openapi({
        description:
          "RFC 5545 RRULE subset: FREQ=WEEKLY|MONTHLY, INTERVAL, BYDAY (ordinals such as 1TU or -1FR for monthly rules), BYMONTH, WKST, UNTIL or COUNT (at most 1000). " +
          "Expanded in the event's time zone; `startsAt` must be the first occurrence.",
        example: "FREQ=MONTHLY;BYDAY=1TU",
      }),
    exdates: z
      .array(Instant)
      .max(500)
      .default([])
      .openapi({ description: "Original starts of occurrences left out of the series (EXDATE)." }),
  })
  .strict();

const Eligibility = z
  .object({
    positionIds: z.array(IdSchema).max(50).default([]).openapi({ description: "Holders of a current mandate on any of these positions." }),
    groupIds: z.array(IdSchema).max(50).default([]).openapi({ description: "Members of any of these groups." }),
  })
  .strict()
  .openapi("EventEligibility", {
    description: "Who may register, beyond the membership rule: holders of the positions or members of the groups. null: every member.",
  });

const RegistrationInput = z
  .object({
    eligibility: Eligibility.nullable().optional(),
    mode: z.enum(registrationModes).default("none").openapi({
      description:
        "none: no registration; open: members register (RSVP) and get a place or the waiting list; application: members apply and organisers decide.",
    }),
    scope: z.enum(registrationScopes).optional().openapi({
      description:
        "For recurring events: `event` (one registration covers every session, as for a training series) or `occurrence` (each occurrence is registered for on its own). Defaults to `event` for trainings, `occurrence` otherwise.",
    }),
    capacity: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .nullable()
      .optional()
      .openapi({ description: "Places per event (or per occurrence); null: no limit." }),
    requiresActiveMembership: z.boolean().optional().openapi({
      description: "Registering needs a current membership of an active kind. Defaults to true for trainings.",
    }),
  })
  .strict();

const eventFields = {
  title: NameField,
  description: multiline(z.string().trim().max(10_000)).nullable().optional(),
  kind: Kind,
  groupId: IdSchema.nullable()
    .optional()
    .openapi({ description: "Organising group; omitted or null when the organisation itself organises." }),
  campaignId: IdSchema.nullable().optional(),
  startsAt: Instant.openapi({ description: "Start of the (first) occurrence." }),
  endsAt: Instant.openapi({ description: `End of the (first) occurrence; after startsAt, at most ${maxDurationDays} days later.` }),
  timeZone: TimeZoneField.openapi({ description: "IANA time zone the event happens in; recurrences keep its local time." }),
  visibility: Visibility,
  location: LocationInput.optional(),
  country: CountryField.nullable().optional().openapi({ description: "ISO 3166-1 alpha-2 country it takes place in, for events abroad." }),
  programmeAreaIds: ProgrammeAreaIdsField.optional(),
  partnerIds: PartnerIdsField.optional(),
  recurrence: RecurrenceInput.nullable().optional(),
  registration: RegistrationInput.optional(),
};

export const EventCreate = z.object(eventFields).strict().openapi("EventCreate");

export const EventUpdate = z
  .object({
    ...eventFields,
    registration: RegistrationInput.partial().optional(),
    status: Status.openapi({ description: "Set `cancelled` to cancel the whole event (or series)." }),
  })
  .partial()
  .strict()
  .openapi("EventUpdate");

const Location = z.object({ address: z.string().nullable(), onlineUrl: z.string().nullable() });
const Registration = z.object({
  mode: z.enum(registrationModes),
  scope: z.enum(registrationScopes),
  capacity: z.number().int().nullable(),
  requiresActiveMembership: z.boolean(),
  eligibility: z.object({ positionIds: z.array(z.string()), groupIds: z.array(z.string()) }).nullable(),
});

export const EventPublic = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    kind: Kind,
    groupId: z.string().nullable(),
    campaignId: z.string().nullable(),
    startsAt: Timestamp,
    endsAt: Timestamp,
    timeZone: z.string(),
    location: Location,
    country: z.string().nullable(),
    programmeAreaIds: z.array(z.string()),
    partners: z.array(LinkedPartner).openapi({ description: "Co-organising partner organisations (set with `partnerIds`)." }),
    visibility: Visibility,
    status: Status,
    recurrence: z.object({ rrule: z.string(), exdates: z.array(Timestamp) }).nullable(),
    registration: Registration,
    version: z.number().int().openapi({ description: "Bumped on every change; the ETag and the iCalendar SEQUENCE." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Event");

export const OccurrencePublic = z
  .object({
    id: z.string().openapi({ description: "The event's id." }),
    occurrenceId: z.string().openapi({
      description: "Stable id of this occurrence: `<eventId>:<original start>`; unchanged when the occurrence is moved.",
      example: "0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f:2026-12-01T17:00:00.000Z",
    }),
    originalStartsAt: Timestamp,
    startsAt: Timestamp,
    endsAt: Timestamp,
    timeZone: z.string(),
    status: Status.openapi({ description: "cancelled when the occurrence or the whole event is cancelled." }),
    moved: z.boolean(),
    recurring: z.boolean(),
    title: z.string(),
    description: z.string().nullable(),
    kind: Kind,
    groupId: z.string().nullable(),
    campaignId: z.string().nullable(),
    location: Location,
    visibility: Visibility,
    registration: Registration,
  })
  .openapi("EventOccurrence");

export const RangeQuery = z.object({
  from: Instant.openapi({ description: "Start of the range (inclusive). Occurrences overlapping the range are listed." }),
  to: Instant.openapi({ description: `End of the range (exclusive); at most ${maxRangeDays} days after \`from\`.` }),
  ...PageQuery.shape,
});

export const EventListQuery = RangeQuery.extend({
  groupId: IdSchema.optional().openapi({ description: "Only events this group organises." }),
  areaId: IdSchema.optional().openapi({ description: "Only events of the district group covering this area." }),
  kind: Kind.optional(),
  campaignId: IdSchema.optional(),
  programmeArea: ProgrammeAreaQuery,
});

export const OccurrenceOverride = z
  .object({
    startsAt: Instant.optional(),
    endsAt: Instant.optional(),
    status: Status.optional(),
  })
  .strict()
  .openapi("OccurrenceOverride");

export type EventCreateInput = z.infer<typeof EventCreate>;
export type EventUpdateInput = z.infer<typeof EventUpdate>;
