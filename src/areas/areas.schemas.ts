import { z } from "@hono/zod-openapi";
import { NameField, Timestamp } from "../lib/fields.ts";
import { maxPostalCodesPerRequest } from "./postal-codes.ts";

const AreaCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, "must be 1–32 letters, digits, dots, dashes or underscores")
  .openapi({ description: "The organisation's own code for the area, unique in the organisation.", example: "01" });

/** Validated code by code in the service, so JSON and CSV bodies get the same messages. */
const PostalCodeList = z
  .array(z.string().max(32, "is too long for a postal code"))
  .max(maxPostalCodesPerRequest)
  .openapi({ description: "Postal codes; spaces are ignored and letters upper-cased (`114 55` = `11455`).", example: ["11455", "114 56"] });

export const AreaPublic = z
  .object({
    id: z.string(),
    name: z.string(),
    code: z.string(),
    postalCodeCount: z.number().int(),
    districtGroupId: z.string().nullable().openapi({ description: "The active district group covering the area, if any." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Area");

export const AreaCreate = z
  .object({ name: NameField, code: AreaCode, postalCodes: PostalCodeList.default([]) })
  .strict()
  .openapi("AreaCreate");

export const AreaUpdate = z.object({ name: NameField, code: AreaCode }).partial().strict().openapi("AreaUpdate");

export const PostalCodesBody = z.object({ postalCodes: PostalCodeList }).strict().openapi("PostalCodes");

export const PostalCodePublic = z.object({ postalCode: z.string().openapi({ example: "11455" }) }).openapi("AreaPostalCode");

export const PostalCodesChanged = z
  .object({
    areaId: z.string(),
    postalCodeCount: z.number().int().openapi({ description: "Postal codes of the area after the change." }),
    added: z.number().int(),
    removed: z.number().int(),
    moved: z
      .array(z.object({ postalCode: z.string(), fromAreaId: z.string() }))
      .openapi({ description: "Codes taken over from other areas (only with `move=true`)." }),
    membersReassigned: z.number().int().openapi({ description: "Members whose area or district group changed." }),
  })
  .openapi("PostalCodesChanged");

export const MoveQuery = z.object({
  // Documented as the boolean a client sends; read as its text, which the handlers compare with "true".
  move: z.enum(["true", "false"], { error: "must be true or false" }).optional().openapi({
    type: "boolean",
    description: "`true`: postal codes that lie in another area are moved to this one. Otherwise such codes are a 409 naming the area.",
  }),
});

export const AreaListQuery = z.object({
  postalCode: z.string().max(32).optional().openapi({ description: "Only the area this postal code lies in (spaces ignored)." }),
});

export type AreaCreateInput = z.infer<typeof AreaCreate>;
export type AreaUpdateInput = z.infer<typeof AreaUpdate>;
