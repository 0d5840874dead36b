import { z } from "@hono/zod-openapi";
import { candidateStatuses, electionStatuses } from "../../drizzle/elections.ts";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { DayField } from "../members/members.schemas.ts";
import { listMethods, methodNames } from "../tally/methods.ts";
import { CountResultSchema } from "../tally/tally.schemas.ts";

const Title = z.string().trim().min(1, "must not be empty").max(200);
const LongText = multiline(z.string().trim().max(20_000));
const Instant = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time with an offset, such as 2026-12-01T18:00:00Z" })
  .transform((value) => new Date(value).toISOString())
  .openapi({ type: "string", format: "date-time", example: "2026-12-01T18:00:00.000Z" });

// ---------------------------------------------------------------- positions

export const PositionCreate = z
  .object({
    title: Title.openapi({ example: "Board member" }),
    description: LongText.nullable().optional().openapi({ description: "The role description shown to members who consider standing." }),
    bodyGroupId: IdSchema.nullable().optional().openapi({ description: "The group the position belongs to; null: the organisation." }),
    seats: z.number().int().min(1).max(1000).openapi({ example: 5 }),
    termMonths: z.number().int().min(1).max(120).openapi({ description: "Length of a term in months.", example: 24 }),
  })
  .strict()
  .openapi("PositionCreate");

export const PositionUpdate = PositionCreate.partial().strict().openapi("PositionUpdate");

export const MandateHolder = z
  .object({ mandateId: z.string(), memberId: z.string(), name: z.string().nullable(), startsOn: z.string(), endsOn: z.string() })
  .openapi("MandateHolder");

export const PositionPublic = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    bodyGroupId: z.string().nullable(),
    seats: z.number().int(),
    termMonths: z.number().int(),
    holders: z.array(MandateHolder).optional().openapi({ description: "Current representatives (on a single position)." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Position");

// ---------------------------------------------------------------- mandates

export const MandatePublic = z
  .object({
    id: z.string(),
    positionId: z.string(),
    positionTitle: z.string(),
    memberId: z.string(),
    name: z.string().nullable(),
    electionId: z.string().nullable(),
    place: z.number().int().nullable().openapi({ description: "Place in the order of election; null when entered by staff." }),
    startsOn: z.string().openapi({ format: "date" }),
    endsOn: z.string().openapi({ format: "date", description: "Last day of the term." }),
    current: z.boolean().openapi({ description: "Whether the term covers today (the organisation's day)." }),
    createdAt: Timestamp,
  })
  .openapi("Mandate");

export const MandateCreate = z
  .object({
    memberId: IdSchema,
    startsOn: DayField,
    endsOn: DayField.optional().openapi({ description: "Default: the end of a full term of the position." }),
  })
  .strict()
  .openapi("MandateCreate");

export const MandateUpdate = z
  .object({ endsOn: DayField.openapi({ description: "A new last day, e.g. when the holder steps down." }) })
  .strict()
  .openapi("MandateUpdate");

export const MandateQuery = PageQuery.extend({
  current: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => value === "true")
    .openapi({ description: "true: only mandates whose term covers today." }),
});

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
    groupId: IdSchema.nullable()
      .optional()
      .openapi({ description: "null: every active member of the organisation; else the group's members." }),
    cutoffOn: DayField.openapi({ description: "The electorate is the members in active standing on this day (the organisation's day)." }),
  })
  .strict();

export const ElectionCreate = z
  .object({
    positionId: IdSchema,
    title: Title.optional().openapi({ description: "Default: the position's title." }),
    description: LongText.nullable().optional(),
    seats: z.number().int().min(1).max(1000).optional().openapi({ description: "Default: the position's seats." }),
    method: z.enum(electionMethods),
    options: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        "Options of the method, as in the engine: precision, omega, variant (meek_stv); arithmetic, lookBack … (wigm_stv); maxMarks, majorityRounds (majority_runoff).",
    }),
    genderRule: GenderRule.nullable().optional(),
    eventId: IdSchema.nullable().optional().openapi({ description: "The member meeting the election belongs to." }),
    committeeGroupId: IdSchema.nullable()
      .optional()
      .openapi({ description: "The nominating committee; its members may set the proposal." }),
    electorate: Electorate,
    nomination: Window("the nomination period"),
    voting: Window("voting"),
    onlineVoting: z.boolean().optional().openapi({ description: "false: held in the room only, ballots entered by staff. Default true." }),
  })
  .strict()
  .openapi("ElectionCreate");

export const ElectionUpdate = ElectionCreate.omit({ positionId: true }).partial().strict().openapi("ElectionUpdate");

export const ElectionPublic = z
  .object({
    id: z.string(),
    positionId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    seats: z.number().int(),
    method: z.string(),
    options: z.record(z.string(), z.unknown()),
    genderRule: GenderRule.nullable(),
    eventId: z.string().nullable(),
    committeeGroupId: z.string().nullable(),
    electorate: z.object({ groupId: z.string().nullable(), cutoffOn: z.string() }),
    nomination: z.object({ opensAt: Timestamp, closesAt: Timestamp }),
    voting: z.object({ opensAt: Timestamp, closesAt: Timestamp }),
    timeZone: z.string().openapi({ description: "The organisation's time zone, in which the cut-off day is a day." }),
    onlineVoting: z.boolean(),
    status: z.enum(electionStatuses),
    seed: z.string().nullable().openapi({ description: "Seed of every lot in the count; shown to members once published." }),
    countError: z.string().nullable().openapi({ description: "Staff: why the automatic count failed." }),
    countedAt: Timestamp.nullable(),
    publishedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Election");

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

// ---------------------------------------------------------------- candidates and proposal

export const CandidatePublic = z
  .object({
    id: z.string(),
    memberId: z.string(),
    name: z.string().nullable(),
    status: z.enum(candidateStatuses),
    nominatedBy: z.enum(["self", "member", "staff"]),
    statement: z.string().nullable(),
    gender: z.string().nullable().optional().openapi({ description: "Shown to staff and the candidate only." }),
    createdAt: Timestamp,
    respondedAt: Timestamp.nullable(),
    withdrawnAt: Timestamp.nullable(),
  })
  .openapi("Candidate");

export const CandidateCreate = z
  .object({
    memberId: IdSchema.optional().openapi({ description: "Whom to nominate; a member token without it stands themselves." }),
    statement: LongText.nullable().optional(),
    gender: z.string().trim().min(1).max(40).nullable().optional().openapi({ description: "Needed when the election has a gender rule." }),
    accepted: z.boolean().optional().openapi({
      description:
        "Staff only: the nominee has already agreed (a nomination made in the room); otherwise the nominee accepts with their own token.",
    }),
  })
  .strict()
  .openapi("CandidateCreate");

export const CandidateUpdate = z
  .object({ statement: LongText.nullable().optional(), gender: z.string().trim().min(1).max(40).nullable().optional() })
  .strict()
  .openapi("CandidateUpdate");

export const ProposalEntry = z
  .object({
    place: z.number().int(),
    memberId: z.string(),
    candidateId: z.string().nullable(),
    name: z.string().nullable(),
    candidateStatus: z.enum(candidateStatuses).nullable(),
    reason: z.string().nullable(),
  })
  .openapi("ProposalEntry");

export const ProposalPublic = z.object({ entries: z.array(ProposalEntry) }).openapi("NominationProposal");

export const ProposalPut = z
  .object({
    entries: z
      .array(z.object({ memberId: IdSchema, reason: LongText.nullable().optional() }).strict())
      .max(1000)
      .openapi({ description: "The committee's candidates, most recommended first." }),
  })
  .strict()
  .openapi("NominationProposalUpdate");

export const ElectionDetail = ElectionPublic.extend({
  candidates: z.array(CandidatePublic),
  proposal: z.array(ProposalEntry),
}).openapi("ElectionDetail");

export const CandidateListQuery = PageQuery.extend({ status: z.enum(candidateStatuses).optional() });

// ---------------------------------------------------------------- ballots

const RankingField = z
  .array(z.union([IdSchema, z.array(IdSchema).min(1).max(1000)]))
  .max(1000)
  .openapi({
    description:
      "Candidate ids, most preferred first; a list of ids ranks them equally (Schulze, Meek and WIGM only). " +
      "Plurality, approval and majority_runoff: the marked candidates, order ignored. [] is a blank ballot.",
  });

export const BallotCast = z.object({ ranking: RankingField }).strict().openapi("BallotCast");

export const BallotReceipt = z
  .object({
    electionId: z.string(),
    receiptCode: z.string().openapi({ description: "Shown once. Its SHA-256 appears in the published result's receipts." }),
    receiptHash: z.string().openapi({ description: "SHA-256 (hex) of the receipt code." }),
  })
  .openapi("BallotReceipt");

export const PaperBallots = z
  .object({
    ballots: z
      .array(z.object({ weight: z.number().int().min(1).max(100_000).optional(), ranking: RankingField }).strict())
      .min(1)
      .max(100_000),
  })
  .strict()
  .openapi("PaperBallots");

export const PaperBatch = z
  .object({
    batchId: z.string(),
    rows: z.number().int(),
    papers: z.number().int().openapi({ description: "Ballot papers entered (rows × weight)." }),
    blank: z.number().int(),
  })
  .openapi("PaperBallotBatch");

export const VoterStatus = z
  .object({
    inElectorate: z.boolean(),
    hasVoted: z.boolean(),
    reason: z.string().nullable().openapi({ description: "Why not in the electorate, when not." }),
  })
  .openapi("VoterStatus");

export const Receipt = z.object({ hash: z.string() }).openapi("Receipt");

export const ReceiptParams = OrgIdParams.extend({
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in lowercase hex")
    .openapi({ param: { name: "hash", in: "path" } }),
});

// ---------------------------------------------------------------- result

const CandidateRef = z.object({ id: z.string(), memberId: z.string(), name: z.string().nullable() }).openapi("CandidateRef");

export const ElectionResult = z
  .object({
    electionId: z.string(),
    status: z.enum(electionStatuses),
    countedAt: Timestamp,
    publishedAt: Timestamp.nullable(),
    candidates: z.array(CandidateRef).openapi({ description: "Candidates on the ballot; the count names them by `id`." }),
    elected: z
      .array(CandidateRef.extend({ place: z.number().int() }))
      .openapi({ description: "In order of election (after the gender rule)." }),
    vacantSeats: z.number().int().openapi({ description: "Seats left empty for want of candidates." }),
    count: CountResultSchema.nullable().openapi({ description: "The engine's record, round by round; null when nobody stood." }),
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

export type ElectionResultBody = z.infer<typeof ElectionResult>;
