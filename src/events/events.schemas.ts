import { z } from "@hono/zod-openapi";
import {
  eventKinds,
  eventStatuses,
  eventVisibilities,
  longEventDays,
  registrationModes,
  registrationScopes,
} from "../../drizzle/events.ts";
import { IdSchema } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { NameField, Timestamp, TimeZoneField } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { CountryField } from "../members/members.schemas.ts";
import { LinkedPartner, PartnerIdsField, ProgrammeAreaIdsField, ProgrammeAreaQuery } from "../programmes/programme-areas.schemas.ts";

/**
 * Longest occurrence of a series or session of a course: a weekend course or a camp. A
 * single event (an exchange, a school abroad) may last up to `maxEventDays`.
 */
export const maxDurationDays = longEventDays;
/** Longest single event: a season abroad, not an open-ended stay; keeps range queries bounded. */
export const maxEventDays = 366;
/** Most sessions one course may have. */
export const maxSessions = 200;
/** Widest range a calendar query may ask for. */
export const maxRangeDays = 366;

export const Instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time with Z or an offset, such as 2026-12-01T18:00:00+01:00" })
  .openapi({ example: "2026-12-01T17:00:00.000Z" });

const Kind = z.enum(eventKinds).openapi({
  description:
    "What sort of event it is. The kinds are one fixed list for every organisation (so filters, mailings and reports mean the same everywhere): " +
    "group_meeting, member_meeting, training, campaign_activity, network_meeting, lecture, exchange (a stay with a partner, weeks or months long), " +
    "politician_school (a school for politicians, often abroad), other.",
});
export const LocalDate = z.iso.date("must be a date (YYYY-MM-DD)").openapi({ example: "2027-03-01" });
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

const SessionInput = z
  .object({
    startsAt: Instant,
    endsAt: Instant.openapi({ description: `After startsAt, at most ${maxDurationDays} days later.` }),
  })
  .strict();

const Sessions = z
  .array(SessionInput)
  .min(1)
  .max(maxSessions)
  .openapi({
    description:
      "A course's explicitly dated sessions, each with its own times (instead of an RRULE): the event's start and end are its first session's. " +
      "One registration covers every session; attendance is recorded per session. Replaced whole by a PATCH (with If-Match). " +
      "Not together with `recurrence` or all-day dates.",
  });

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
  startsAt: Instant.optional().openapi({
    description: "Start of the (first) occurrence. Give `startsAt`/`endsAt`, or `startsOn`/`endsOn` for an all-day event, or `sessions`.",
  }),
  endsAt: Instant.optional().openapi({
    description: `End of the (first) occurrence; after startsAt, at most ${maxEventDays} days later for a single event, ${maxDurationDays} for an occurrence of a series.`,
  }),
  startsOn: LocalDate.optional().openapi({
    description: "An all-day event's first day (local to its time zone). With `endsOn`, instead of `startsAt`/`endsAt`; not recurring.",
  }),
  endsOn: LocalDate.optional().openapi({ description: `An all-day event's last day, inclusive; at most ${maxEventDays} days in all.` }),
  sessions: Sessions.nullable().optional(),
  timeZone: TimeZoneField.openapi({ description: "IANA time zone the event happens in; recurrences keep its local time." }),
  visibility: Visibility,
  location: LocationInput.optional(),
  country: CountryField.nullable().optional().openapi({ description: "ISO 3166-1 alpha-2 country it takes place in, for events abroad." }),
  programmeAreaIds: ProgrammeAreaIdsField.optional(),
  partnerIds: PartnerIdsField.optional(),
  recurrence: RecurrenceInput.nullable().optional(),
  registration: RegistrationInput.optional(),
};

export const EventCreate = z
  .object(eventFields)
  .strict()
  // Said with the body's other problems (`when`), so one answer names every field to fix.
  .refine(
    (body) =>
      typeof body !== "object" || body === null || body.startsAt !== undefined || body.startsOn !== undefined || body.sessions != null,
    {
      path: ["startsAt"],
      message: "is required (or startsOn and endsOn for an all-day event, or sessions)",
      when: () => true,
    },
  )
  .openapi("EventCreate");

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
const Session = z.object({ startsAt: Timestamp, endsAt: Timestamp });
const AllDayFields = {
  allDay: z
    .boolean()
    .openapi({ description: "An all-day event: shown by dates; `startsAt`/`endsAt` are the local midnights around them." }),
  startsOn: LocalDate.nullable().openapi({ description: "All-day events: the first day; null otherwise." }),
  endsOn: LocalDate.nullable().openapi({ description: "All-day events: the last day, inclusive; null otherwise." }),
};
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
    ...AllDayFields,
    location: Location,
    country: z.string().nullable(),
    programmeAreaIds: z.array(z.string()),
    partners: z.array(LinkedPartner).openapi({ description: "Co-organising partner organisations (set with `partnerIds`)." }),
    visibility: Visibility,
    status: Status,
    sessions: z.array(Session).nullable().openapi({ description: "A course's explicitly dated sessions, in order; null otherwise." }),
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
    ...AllDayFields,
    status: Status.openapi({ description: "cancelled when the occurrence or the whole event is cancelled." }),
    moved: z.boolean(),
    recurring: z.boolean().openapi({ description: "One of several occurrences: of an RRULE series, or a session of a course." }),
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
