import { z } from "@hono/zod-openapi";
import { partnerKinds } from "../../drizzle/programmes.ts";
import { IdSchema } from "../http/openapi.ts";
import { Timestamp } from "../lib/fields.ts";
import { DateField } from "./programme-areas.schemas.ts";

const Int = z.number().int();
const People = Int.nullable().openapi({ description: "null: withheld, being below the organisation's minimum count (see `suppression`)." });

export const PeriodQuery = z.object({
  from: DateField.openapi({ description: "First local day of the period." }),
  to: DateField.openapi({ description: "Last local day of the period, inclusive; at most five years after `from`." }),
});

export const ParticipationQuery = PeriodQuery.extend({
  programmeArea: IdSchema.optional().openapi({ description: "Only activities in this programme area." }),
  partner: IdSchema.optional().openapi({ description: "Only activities this partner co-organised." }),
});

const Counts = { participants: People, attendances: People };
const WithActivities = { activities: Int.openapi({ description: "Activities with attendance in the period." }), ...Counts };

export const ParticipationReport = z
  .object({
    from: z.string(),
    to: z.string(),
    programmeAreaId: z.string().nullable(),
    partnerId: z.string().nullable(),
    totals: z.object(WithActivities).openapi({
      description: "Activities, unique participants (people, members or not) and attendances (a person at a session).",
    }),
    byGender: z.array(z.object({ gender: z.enum(["women", "men", "other", "unknown"]), ...Counts })),
    byAgeBand: z
      .array(
        z.object({
          band: z.string().openapi({ example: "under 30" }),
          minAge: Int.nullable(),
          maxAge: Int.nullable(),
          ...Counts,
        }),
      )
      .openapi({ description: "Age in the activity's year (from the birth year), in the organisation's bands, then `unknown`." }),
    byCountry: z
      .array(
        z.object({ country: z.string().nullable().openapi({ description: "null: events with no country (at home)." }), ...WithActivities }),
      )
      .openapi({ description: "By the country the event took place in." }),
    byProgrammeArea: z.array(z.object({ programmeAreaId: z.string(), name: z.string(), ...WithActivities })).openapi({
      description: "An activity in two areas counts in both.",
    }),
    byPartner: z.array(z.object({ partnerId: z.string(), name: z.string(), ...WithActivities })),
    suppression: z.object({
      minimumCount: Int.openapi({ description: "Counts of people below this are withheld." }),
      suppressedCells: Int,
      note: z.string(),
    }),
  })
  .openapi("ParticipationReport");

export const PartnerReport = z
  .object({
    from: z.string(),
    to: z.string(),
    partners: z.array(
      z.object({
        partnerId: z.string(),
        name: z.string(),
        kind: z.enum(partnerKinds),
        country: z.string().nullable(),
        events: z.array(
          z.object({
            eventId: z.string(),
            title: z.string(),
            kind: z.string(),
            startsAt: Timestamp,
            endsAt: Timestamp.openapi({ description: "The end of its last occurrence (a series)." }),
            country: z.string().nullable(),
          }),
        ),
        campaigns: z.array(z.object({ campaignId: z.string(), name: z.string(), startsOn: z.string(), endsOn: z.string() })),
      }),
    ),
  })
  .openapi("PartnerReport");

export const ParticipationSettingsBody = z
  .object({
    ageLimits: z
      .array(Int.min(1).max(120))
      .max(10)
      .openapi({ description: "Ascending ages where an age band begins: `[30]` makes `under 30` and `30 and over`.", example: [30] }),
    minimumCount: Int.min(1)
      .max(100)
      .openapi({ description: "Counts of people below this are withheld from the report (1: none are).", example: 3 }),
  })
  .strict()
  .openapi("ParticipationSettings");
