import { z } from "@hono/zod-openapi";
import { electionStatuses, electorateSources } from "../../drizzle/elections.ts";
import { IdSchema } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { Timestamp } from "../lib/fields.ts";
import { DayField } from "../members/members.schemas.ts";
import { listMethods, methodNames } from "../tally/methods.ts";
import { electionMethodOptions, methodOptionSchemas, requestOptionsOf } from "../tally/parameters.schemas.ts";
import { CountResultSchema } from "../tally/tally.schemas.ts";
import type { MethodName } from "../voting/types.ts";
import { CandidatePublic } from "./candidates.schemas.ts";
import { ProposalEntry } from "./proposals.schemas.ts";
import { LongText, Title } from "./schema-fields.ts";

const Instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time with an offset, such as 2026-12-01T18:00:00Z" })
  .transform((value) => new Date(value).toISOString())
  .openapi({ type: "string", format: "date-time", example: "2026-12-01T18:00:00.000Z" });

// ---------------------------------------------------------------- elections

/** Stored elections elect people; seats between lists (d'Hondt, Sainte-Laguë) are counted with POST /v1/tally. */
export const electionMethods = methodNames.filter((name) => !listMethods.includes(name)) as [string, ...string[]];

export const GenderRule = z
  .discriminatedUnion("rule", [
    z.object({ rule: z.literal("zipper"), start: z.string().min(1).max(40).optional() }).strict(),
    z.object({ rule: z.literal("min_half"), gender: z.string().min(1).max(40) }).strict(),
    z.object({ rule: z.literal("pairwise"), gender: z.string().min(1).max(40) }).strict(),
  ])
  .openapi("GenderRule", {
    description:
      "Applied to the counted order as a separate, recorded step (ranking methods only): zipper (strict alternation), " +
      "min_half (at least half of every top k of `gender`), pairwise (each pair holds one of `gender`; two of it may head the list).",
  });

const Window = (what: string) =>
  z
    .object({ opensAt: Instant, closesAt: Instant })
    .strict()
    .openapi({ description: `When ${what} opens and closes.` });

export const Electorate = z
  .object({
    source: z
      .enum(electorateSources)
      .optional()
      .openapi({
        description:
          "memberships (default): the members in standing on `cutoffOn`, voting between `voting.opensAt` and `voting.closesAt`. " +
          "meeting: the voting register of the member meeting `eventId` as it stands when the chair opens the poll; no voting times (the chair opens and closes it).",
      }),
    groupId: IdSchema.nullable()
      .optional()
      .openapi({ description: "null: every active member of the organisation; else the group's members (source memberships)." }),
    cutoffOn: DayField.optional().openapi({
      description: "Source memberships (required): the electorate is the members in active standing on this day (the organisation's day).",
    }),
    eventId: IdSchema.optional().openapi({ description: "Source meeting (required): the member meeting whose voting register votes." }),
    occurrenceStart: Instant.optional().openapi({
      description: "Source meeting, a recurring meeting: the original start of the occurrence.",
    }),
  })
  .strict();

/** An election's fields but its method and options, whose shape follows from the method. */
const ElectionSettings = z
  .object({
    positionId: IdSchema,
    title: Title.optional().openapi({ description: "Default: the position's title." }),
    description: LongText.nullable().optional(),
    seats: z.number().int().min(1).max(1000).optional().openapi({ description: "Default: the position's seats." }),
    genderRule: GenderRule.nullable().optional(),
    eventId: IdSchema.nullable().optional().openapi({ description: "The member meeting the election belongs to." }),
    committeeGroupId: IdSchema.nullable()
      .optional()
      .openapi({ description: "The nominating committee; its members may set the proposal." }),
    electorate: Electorate,
    nomination: Window("the nomination period"),
    voting: Window("voting")
      .optional()
      .openapi({ description: "Required unless the electorate is a meeting's register (then the chair opens and closes the poll)." }),
    onlineVoting: z.boolean().optional().openapi({ description: "false: held in the room only, ballots entered by staff. Default true." }),
    reserves: z.number().int().min(0).max(20).optional().openapi({
      description:
        "Reserves to rank from the non-elected (default 0): the method's full order where it gives one, else the same count repeated for one seat with those already placed withdrawn.",
    }),
  })
  .strict();

const optionsDescription = "Options of the method, as in the engine; a key the method does not take is refused.";

const electionCreateFor = (method: MethodName) =>
  ElectionSettings.extend({
    method: z.literal(method),
    options: requestOptionsOf(method).optional().openapi({ description: optionsDescription }),
  });

/** One variant per method: the options a generated client may send follow from `method`. */
export const ElectionCreate = z
  .discriminatedUnion(
    "method",
    (electionMethods as MethodName[]).map(electionCreateFor) as [
      ReturnType<typeof electionCreateFor>,
      ...ReturnType<typeof electionCreateFor>[],
    ],
  )
  .openapi("ElectionCreate");

/** Each distinct shape of options once (methods without options share the empty one), for ElectionUpdate. */
const optionShapes = [
  ...new Map(
    (electionMethods as MethodName[]).map((method) => [
      Object.keys(methodOptionSchemas[method].shape).sort().join(),
      requestOptionsOf(method),
    ]),
  ).values(),
];

/** Any field may change; options sent without a method are checked against the election's method. */
export const ElectionUpdate = ElectionSettings.omit({ positionId: true })
  .partial()
  .extend({
    method: z.enum(electionMethods).optional(),
    // One of the methods' option shapes: without `method` they are checked against the
    // election's own method, which the document cannot know, so it names them all.
    options: z
      .union(optionShapes as [ReturnType<typeof requestOptionsOf>, ...ReturnType<typeof requestOptionsOf>[]])
      .optional()
      .openapi({
        description: `${optionsDescription} The shape is that of the election's method (the one sent, else its own), as in ElectionCreate.`,
      }),
  })
  .strict()
  .openapi("ElectionUpdate");

/** The method of a stored election, and its options, whose shape follows from it. */
const ElectionMethodOptions = electionMethodOptions(electionMethods as MethodName[]);

const ProposalVoteShown = z
  .object({
    status: z.enum(["open", "accepted", "rejected"]).openapi({
      description: "accepted: more yes than no (abstentions count for neither; a tie rejects), the proposed are elected.",
    }),
    openedAt: Timestamp,
    closedAt: Timestamp.nullable(),
    yes: z.number().int().nullable(),
    no: z.number().int().nullable(),
    abstain: z.number().int().nullable(),
  })
  .openapi("ProposalVote");

/** An election as shown, but its method and options, which ElectionMethodOptions joins to it. */
const ElectionFields = z.object({
  id: z.string(),
  positionId: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  seats: z.number().int(),
  genderRule: GenderRule.nullable(),
  eventId: z.string().nullable(),
  committeeGroupId: z.string().nullable(),
  electorate: z.object({
    source: z.enum(electorateSources),
    groupId: z.string().nullable(),
    cutoffOn: z.string().openapi({ description: "For a meeting: the meeting's day, on which the register's memberships count." }),
    eventId: z.string().nullable().openapi({ description: "Source meeting: the meeting." }),
    occurrenceStart: Timestamp.nullable(),
  }),
  nomination: z.object({ opensAt: Timestamp, closesAt: Timestamp }),
  voting: z.object({
    opensAt: Timestamp.nullable().openapi({ description: "Null for a meeting's poll not yet opened." }),
    closesAt: Timestamp.nullable().openapi({ description: "Null while a meeting's poll has not been closed." }),
  }),
  timeZone: z.string().openapi({ description: "The organisation's time zone, in which the cut-off day is a day." }),
  onlineVoting: z.boolean(),
  reserves: z.number().int(),
  proposalVote: ProposalVoteShown.nullable().openapi({
    description: "The meeting's vote on the committee's proposal as a whole; null when none was held. Totals once it closed.",
  }),
  status: z.enum(electionStatuses),
  seed: z.string().nullable().openapi({ description: "Seed of every lot in the count; shown to members once published." }),
  countError: z.string().nullable().openapi({ description: "Staff: why the automatic count failed." }),
  countedAt: Timestamp.nullable(),
  publishedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ElectionPublic = ElectionFields.and(ElectionMethodOptions).openapi("Election");

export const ElectionListQuery = PageQuery.extend({
  status: z.enum(electionStatuses).optional(),
  positionId: IdSchema.optional(),
});

export const TransitionRequest = z
  .object({
    to: z.enum(electionStatuses).openapi({ description: "A later status." }),
    termStartsOn: DayField.optional().openapi({ description: "With `published`: first day of the term (default: today)." }),
  })
  .strict()
  .openapi("ElectionTransition");

export const PublishRequest = z
  .object({ termStartsOn: DayField.optional().openapi({ description: "First day of the term (default: the day of publication)." }) })
  .strict()
  .openapi("ElectionPublish");

export const ElectionDetail = ElectionFields.extend({
  candidates: z.array(CandidatePublic),
  proposal: z.array(ProposalEntry),
})
  .and(ElectionMethodOptions)
  .openapi("ElectionDetail");

// ---------------------------------------------------------------- result

const CandidateRef = z.object({ id: z.string(), memberId: z.string(), name: z.string().nullable() }).openapi("CandidateRef");

export const ElectionResult = z
  .object({
    electionId: z.string(),
    status: z.enum(electionStatuses),
    countedAt: Timestamp,
    publishedAt: Timestamp.nullable(),
    byAcclamation: z
      .boolean()
      .openapi({ description: "Declared elected without a ballot: no more candidates stood than there were seats." }),
    byProposal: z.boolean().openapi({
      description: "Elected by the meeting accepting the committee's proposal as a whole; `proposalVote` holds the vote.",
    }),
    proposalVote: ProposalVoteShown.nullable().openapi({
      description:
        "The vote on the committee's proposal, accepted or (before a ballot among all candidates) rejected; null when none was held.",
    }),
    candidates: z.array(CandidateRef).openapi({ description: "Candidates on the ballot; the count names them by `id`." }),
    elected: z
      .array(CandidateRef.extend({ place: z.number().int() }))
      .openapi({ description: "In order of election (after the gender rule)." }),
    reserves: z
      .array(CandidateRef.extend({ rank: z.number().int() }))
      .openapi({ description: "Reserves (ersättare) in the order they are called; stored with the mandates on publication." }),
    vacantSeats: z.number().int().openapi({ description: "Seats left empty for want of candidates." }),
    // A union with null rather than .nullable(), which would make the CountResult component itself nullable.
    count: z.union([CountResultSchema, z.null()]).openapi({ description: "The engine's record, round by round; null when nobody stood." }),
    genderRule: z
      .object({
        rule: GenderRule,
        order: z.array(z.string()),
        moves: z.array(z.object({ candidate: z.string(), from: z.number().int(), to: z.number().int(), reason: z.string() })),
        ranOutAt: z.number().int().nullable(),
      })
      .nullable(),
    turnout: z
      .object({
        electorate: z.number().int(),
        votedOnline: z.number().int(),
        paperBallots: z.number().int(),
        ballots: z.number().int(),
        valid: z.number(),
        blank: z.number(),
        invalid: z.number(),
        percentOnline: z.number().nullable().openapi({ description: "Online voters as a share of the electorate, in per cent." }),
      })
      .openapi("Turnout"),
    receipts: z
      .object({
        count: z.number().int(),
        digest: z.string().openapi({ description: "SHA-256 of the sorted receipt hashes joined by newlines: the list behind …/receipts." }),
      })
      .openapi("ReceiptsSummary"),
  })
  .openapi("ElectionResult");
