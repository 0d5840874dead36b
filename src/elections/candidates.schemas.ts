import { z } from "@hono/zod-openapi";
import { candidateStatuses } from "../../drizzle/elections.ts";
import { IdSchema } from "../http/openapi.ts";
import { PageQuery } from "../http/pagination.ts";
import { Timestamp } from "../lib/fields.ts";
import { LongText } from "./schema-fields.ts";

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

export const CandidateListQuery = PageQuery.extend({ status: z.enum(candidateStatuses).optional() });
