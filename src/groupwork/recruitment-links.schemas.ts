import { z } from "@hono/zod-openapi";
import { IdSchema } from "../http/openapi.ts";
import { Timestamp } from "../lib/fields.ts";

const isLocalHttp = (url: URL) => url.protocol === "http:" && ["localhost", "127.0.0.1"].includes(url.hostname);

export const RecruitmentLinkCreate = z
  .object({
    eventId: IdSchema.nullable().optional().openapi({ description: "The event (a lecture, a street activity) the link is given out at." }),
    campaignId: IdSchema.nullable().optional().openapi({ description: "The campaign the link recruits for." }),
    signupUrl: z
      .string()
      .max(2000)
      .refine((value) => {
        const url = URL.canParse(value) ? new URL(value) : undefined;
        return url !== undefined && (url.protocol === "https:" || isLocalHttp(url));
      }, "must be an https URL")
      .nullable()
      .optional()
      .openapi({
        description: "The frontend's sign-up page; the link to give out is this with `?ref=<code>` added.",
        example: "https://forum.example.org/join",
      }),
  })
  .strict()
  .openapi("RecruitmentLinkCreate");

export const RecruitmentLinkPublic = z
  .object({
    id: z.string(),
    groupId: z.string(),
    code: z.string().openapi({ description: "Sent as `ref` with a sign-up (`POST …/signups`)." }),
    eventId: z.string().nullable(),
    campaignId: z.string().nullable(),
    signupUrl: z.string().nullable(),
    url: z
      .string()
      .nullable()
      .openapi({ description: "The link to give out: `signupUrl` with `?ref=<code>`; null without a `signupUrl`." }),
    signupPath: z.string().openapi({ description: "The API's sign-up operation, for a frontend that sends `ref` itself." }),
    revokedAt: Timestamp.nullable(),
    version: z.number().int(),
    createdAt: Timestamp,
  })
  .openapi("RecruitmentLink");

export type RecruitmentLinkInput = z.infer<typeof RecruitmentLinkCreate>;
