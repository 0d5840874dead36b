import { z } from "@hono/zod-openapi";
import { IdSchema, OrgIdParams } from "../http/openapi.ts";

// ---------------------------------------------------------------- ballots

export const RankingField = z
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

/** One row of a bulk entry: a ranking, entered `weight` times. */
export const PaperBallot = z.object({ weight: z.number().int().min(1).max(100_000).optional(), ranking: RankingField }).strict();

const paperBallotsAtMost = 100_000;

export const PaperBallots = z
  .object({ ballots: z.array(PaperBallot).min(1).max(paperBallotsAtMost) })
  .strict()
  .openapi("PaperBallots");

/** PaperBallots with its list unchecked, for reading a large body a slice at a time (src/http/list-body.ts). */
export const PaperBallotsEnvelope = z.object({ ballots: z.array(z.unknown()).min(1).max(paperBallotsAtMost) }).strict();

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
