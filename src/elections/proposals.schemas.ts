import { z } from "@hono/zod-openapi";
import { candidateStatuses } from "../../drizzle/elections.ts";
import { IdSchema } from "../http/openapi.ts";
import { LongText } from "./schema-fields.ts";

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
