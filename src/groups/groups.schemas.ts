import { z } from "@hono/zod-openapi";
import { groupKinds, groupRoles, groupStatuses } from "../../drizzle/groups.ts";
import { IdSchema } from "../http/openapi.ts";
import { EmailField, NameField, Timestamp } from "../lib/fields.ts";
import { multiline } from "../lib/text.ts";
import { ProgrammeAreaIdsField, ProgrammeAreaQuery } from "../programmes/programme-areas.schemas.ts";

const Kind = z.enum(groupKinds).openapi({
  description:
    "local: a local group; district: covers areas, its members are assigned by address; network: has a political contact; " +
    "interest: a study circle; working: a working group; committee: e.g. the nominating committee (appointed by staff); " +
    "region: a national section's region, the parent (`parentId`) of the local groups in it.",
});
const Status = z.enum(groupStatuses).openapi({
  description: "proposed: a member's proposal awaiting staff; active; closed; declined: a proposal staff turned down.",
});
export const Role = z.enum(groupRoles).openapi({
  description:
    "member; convener (a group is usually led by two; more are allowed); contact_person. Conveners and contact persons lead the group.",
});
const Day = z.string().openapi({ format: "date", example: "2026-11-21" });

const FocusTags = z
  .array(z.string().trim().min(1, "must not be empty").max(40, "must be at most 40 characters"))
  .max(20)
  .transform((tags) => [...new Set(tags)])
  .openapi({ description: "Short tags for what the group works on.", example: ["climate", "housing"] });
const Description = multiline(z.string().trim().max(5000));
const Town = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200)
  .openapi({ description: "The town the group sits in (free text).", example: "Umeå" });
const MeetingPlace = multiline(z.string().trim().max(1000)).openapi({
  description: "Where the group meets.",
  example: "Folkets hus, room 3, first Tuesday 18:00",
});
const AreaId = IdSchema.openapi({
  description:
    "An area the group works in (any kind of group; several may name one area). District groups cover areas with `areaIds` instead.",
});

export const GroupPublic = z
  .object({
    id: z.string(),
    kind: Kind,
    name: z.string(),
    description: z.string().nullable(),
    focusTags: z.array(z.string()),
    contactEmail: z.string().nullable(),
    parentId: z.string().nullable().openapi({ description: "The parent group: for a local group, usually its region." }),
    town: z.string().nullable(),
    areaId: z.string().nullable(),
    meetingPlace: z.string().nullable(),
    politicalContactId: z.string().nullable().openapi({ description: "Networks: the member who is the political contact." }),
    status: Status,
    memberCount: z.number().int().openapi({
      description: "Members on the group's roster now (enrolled members; for a district group including those its areas assign).",
    }),
    conveners: z
      .array(z.object({ memberId: z.string(), name: z.string().nullable() }))
      .openapi({ description: "The group's conveners now, by name." }),
    areaIds: z.array(z.string()).openapi({ description: "District groups: the areas covered. Empty for other kinds." }),
    programmeAreaIds: z.array(z.string()).openapi({ description: "The programme areas the group works in." }),
    proposal: z
      .object({
        proposedById: z.string().nullable(),
        purpose: z.string().nullable(),
        areaId: z.string().nullable(),
        declineReason: z.string().nullable(),
        decidedAt: Timestamp.nullable(),
      })
      .nullable()
      .openapi({ description: "For groups started as a member's proposal; shown to API keys and to the proposer only." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Group");

export const GroupCreate = z
  .object({
    name: NameField,
    kind: Kind,
    description: Description.optional(),
    focusTags: FocusTags.default([]),
    contactEmail: EmailField.optional(),
    parentId: IdSchema.optional(),
    town: Town.optional(),
    areaId: AreaId.optional(),
    meetingPlace: MeetingPlace.optional(),
    politicalContactId: IdSchema.optional().openapi({ description: "Networks only: a member of the organisation." }),
    areaIds: z.array(IdSchema).max(100).optional().openapi({ description: "District groups only: the areas the group covers." }),
    programmeAreaIds: ProgrammeAreaIdsField.optional(),
  })
  .strict()
  .openapi("GroupCreate");

export const GroupUpdate = z
  .object({
    name: NameField,
    description: Description.nullable(),
    focusTags: FocusTags,
    contactEmail: EmailField.nullable(),
    parentId: IdSchema.nullable(),
    town: Town.nullable(),
    areaId: AreaId.nullable(),
    meetingPlace: MeetingPlace.nullable(),
    politicalContactId: IdSchema.nullable(),
    areaIds: z.array(IdSchema).max(100).openapi({ description: "District groups only: replaces the areas covered." }),
    programmeAreaIds: ProgrammeAreaIdsField,
    status: z.enum(["active", "closed"]).openapi({
      description: "Close a group (its open memberships end today) or reopen it. Proposals are decided with approve/decline.",
    }),
  })
  .partial()
  .strict()
  .openapi("GroupUpdate");

/** What a group's conveners may change themselves; everything else stays with staff. */
export const convenerFields = ["description", "focusTags", "meetingPlace"] as const;

export const proposableKinds = ["local", "network", "interest", "working"] as const;

export const GroupProposalCreate = z
  .object({
    kind: z.enum(proposableKinds).openapi({ description: "District groups and committees are set up by staff, not proposed." }),
    name: NameField,
    purpose: multiline(z.string().trim().min(1, "must not be empty").max(5000)),
    description: Description.optional(),
    focusTags: FocusTags.default([]),
    areaId: IdSchema.optional().openapi({ description: "The area the group would work in, if any." }),
  })
  .strict()
  .openapi("GroupProposalCreate");

export const GroupDecline = z
  .object({ reason: multiline(z.string().trim().min(1, "must not be empty").max(2000)).openapi({ description: "Shown to the proposer." }) })
  .strict()
  .openapi("GroupDecline");

export const GroupListQuery = z.object({
  kind: Kind.optional(),
  status: Status.optional(),
  parentId: IdSchema.optional(),
  regionId: IdSchema.optional().openapi({
    description: "Groups in this region: below it (its children, and theirs), not the region itself. 422 when it is no region.",
  }),
  town: z.string().trim().min(1).max(200).optional().openapi({ description: "Groups in this town (any case)." }),
  areaId: IdSchema.optional().openapi({ description: "Groups covering the area (district groups), working in it, or proposed for it." }),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Name prefix, case-insensitive." }),
  programmeArea: ProgrammeAreaQuery,
});

export const RosterEntry = z
  .object({
    memberId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    role: Role,
    joinedOn: Day.openapi({ description: "When the member took this role (district: when the address assigned them)." }),
    source: z.enum(["explicit", "district"]).openapi({
      description: "explicit: a membership row (joined, or given a role); district: assigned by address to this district group.",
    }),
  })
  .openapi("GroupRosterEntry");

export const MembershipRecord = z
  .object({
    memberId: z.string(),
    name: z.string().nullable(),
    role: Role,
    source: z.enum(["explicit", "district"]),
    joinedOn: Day,
    leftOn: Day.nullable().openapi({ description: "Null while the membership lasts." }),
  })
  .openapi("GroupMembershipRecord");

export const RosterAdd = z
  .object({ memberId: IdSchema, role: Role.default("member") })
  .strict()
  .openapi("GroupMemberAdd");

export const RoleChange = z.object({ role: Role }).strict().openapi("GroupMemberRoleChange");

export const MyGroup = z
  .object({
    group: GroupPublic,
    role: Role,
    joinedOn: Day,
    source: z.enum(["explicit", "district"]),
  })
  .openapi("MyGroup");

export const HistoryQuery = z.object({
  memberId: IdSchema.optional().openapi({ description: "Only this member's records." }),
});

export type GroupRole = z.infer<typeof Role>;
export type GroupCreateInput = z.infer<typeof GroupCreate>;
export type GroupUpdateInput = z.infer<typeof GroupUpdate>;
export type GroupProposalInput = z.infer<typeof GroupProposalCreate>;
export type GroupListFilter = z.infer<typeof GroupListQuery>;
