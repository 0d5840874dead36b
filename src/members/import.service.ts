import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../access/context.ts";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { insertJsonRows, jsonField, runLongBatch, type Statement } from "../db/sql.ts";
import { newId } from "../lib/ids.ts";
import { pacer, yieldToEventLoop } from "../lib/yield.ts";
import { contactCsv, memberCsv } from "./csv-columns.ts";
import { postalCodeKey, reassignStatements } from "./district.ts";
import { ImportErrors, type ImportRow, type RowFields, readImportFile, rejected, typeResolver } from "./import-rows.ts";
import type { MemberRow } from "./members.queries.ts";
import { searchKey } from "./members.queries.ts";
import { nextMemberNumberSql } from "./members.service.ts";
import { newMembershipRow } from "./memberships.service.ts";

/**
 * CSV import of members, all rows or none: every row is validated and matched first
 * (against the file itself and the database, in chunked look-ups), and only a file
 * without errors is written, in one batch. Matching is by member number, else by
 * e-mail; an empty cell means "not given" and never clears what is stored, so the
 * same file imported twice changes nothing the second time.
 */

const lookupChunk = 500;
/** Rows per INSERT, and members per reassignment: each statement a few milliseconds, so the import gives way often. */
const insertChunk = 100;
const reassignChunk = 100;

const m = schema.members;
const ms = schema.memberships;

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  memberships: number;
  payments: number;
  dryRun: boolean;
}

/** Look-ups a chunk at a time, letting other requests run between chunks (the embedded database answers on the event loop). */
async function chunked<T, R>(items: T[], size: number, run: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...(await run(items.slice(i, i + size))));
    await yieldToEventLoop();
  }
  return out;
}

type NewMember = Omit<MemberRow, "memberNumber"> & { memberNumber: string | null };
type PlannedMember = { id: string; fields: RowFields };
type ConsentDefaults = Pick<MemberRow, "consentNewsletters" | "consentMeetingSummons" | "consentCampaignNews">;

/**
 * What a file imports: `members` (the member CSV; new rows are members, a contact matched by
 * e-mail is enrolled) or `contacts` (the contacts CSV; new rows are contacts, any person
 * matched by e-mail is updated). New people of either come from the import (`source`).
 */
export type ImportKind = "members" | "contacts";
type PlannedMembership = Omit<Parameters<typeof newMembershipRow>[0], "orgId">;

function newMemberRow(
  orgId: string,
  { id, fields: f }: PlannedMember,
  options: { now: Date; enrolled: boolean; consents: ConsentDefaults },
): NewMember {
  const { now, enrolled, consents } = options;
  return {
    id,
    orgId,
    enrolled,
    // A contact holds their own id as a placeholder number (see the schema).
    memberNumber: enrolled ? (f.memberNumber ?? null) : id,
    source: "import",
    gender: f.gender ?? null,
    birthYear: f.birthYear ?? null,
    partnerId: null,
    name: f.name ?? null,
    nameKey: f.name === undefined ? null : searchKey(f.name),
    email: f.email ?? null,
    emailKey: f.email === undefined ? null : searchKey(f.email),
    phone: f.phone ?? null,
    street: f.street ?? null,
    postalCode: f.postalCode ?? null,
    postalCodeKey: postalCodeKey(f.postalCode),
    city: f.city ?? null,
    country: f.country ?? null,
    preferredLanguage: f.preferredLanguage ?? null,
    consentNewsletters: f.consentNewsletters ?? consents.consentNewsletters,
    consentMeetingSummons: f.consentMeetingSummons ?? consents.consentMeetingSummons,
    consentCampaignNews: f.consentCampaignNews ?? consents.consentCampaignNews,
    areaId: null,
    districtGroupId: null,
    erasedAt: null,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

const memberColumns: (keyof RowFields)[] = [
  "memberNumber",
  "name",
  "email",
  "phone",
  "street",
  "postalCode",
  "city",
  "country",
  "preferredLanguage",
  "gender",
  "birthYear",
  "consentNewsletters",
  "consentMeetingSummons",
  "consentCampaignNews",
];

/** What a matched row would change on the stored member. */
function changesOf(fields: RowFields, stored: MemberRow): Partial<MemberRow> {
  const changes: Partial<MemberRow> = {};
  for (const column of memberColumns) {
    const value = fields[column];
    if (value !== undefined && value !== stored[column]) Object.assign(changes, { [column]: value });
  }
  if (typeof changes.name === "string") changes.nameKey = searchKey(changes.name);
  if (typeof changes.email === "string") changes.emailKey = searchKey(changes.email);
  if (changes.postalCode !== undefined) changes.postalCodeKey = postalCodeKey(changes.postalCode);
  return changes;
}

export async function importMembers(ctx: Ctx, options: { text: string; dryRun: boolean; kind?: ImportKind }): Promise<ImportCounts> {
  const { db, now } = ctx;
  const orgId = ctx.org.id;
  const { text } = options;
  const kind = options.kind ?? "members";
  const errors = new ImportErrors();
  const { rows } = await readImportFile(text, errors, kind === "members" ? memberCsv : contactCsv);

  // Within the file: a member number or e-mail address may appear in one row only.
  const numberRow = new Map<string, number>();
  const emailRow = new Map<string, number>();
  // Every loop over the rows gives way now and then: a file has up to 100,000 of them.
  const pace = pacer();
  for (const { row, fields } of rows) {
    await pace();
    if (fields.memberNumber !== undefined) {
      const first = numberRow.get(fields.memberNumber);
      if (first) errors.add({ field: `row ${row} column member_number`, message: `the same member number as row ${first}` });
      else numberRow.set(fields.memberNumber, row);
    }
    if (fields.email !== undefined) {
      const first = emailRow.get(searchKey(fields.email));
      if (first) errors.add({ field: `row ${row} column email`, message: `the same e-mail address as row ${first}` });
      else emailRow.set(searchKey(fields.email), row);
    }
  }

  const active = and(eq(m.orgId, orgId), isNull(m.erasedAt));
  const byNumber = new Map(
    (
      await chunked([...numberRow.keys()], lookupChunk, (chunk) =>
        db
          .select()
          .from(m)
          // `+enrolled`: the planner must not take the (org, enrolled) index and walk every member; the number's is exact.
          .where(and(active, sql`+${m.enrolled} = 1`, inArray(m.memberNumber, chunk))),
      )
    ).map((row) => [row.memberNumber, row]),
  );
  const byEmail = new Map(
    (
      await chunked([...emailRow.keys()], lookupChunk, (chunk) =>
        db
          .select()
          .from(m)
          .where(and(active, inArray(m.emailKey, chunk))),
      )
    ).map((row) => [row.emailKey ?? "", row]),
  );

  const matchedBy = new Map<string, number>();
  const plans: { item: ImportRow; stored?: MemberRow }[] = [];
  for (const item of rows) {
    await pace();
    const { row, fields } = item;
    const emailKey = fields.email === undefined ? undefined : searchKey(fields.email);
    const stored =
      (fields.memberNumber !== undefined ? byNumber.get(fields.memberNumber) : undefined) ?? (emailKey ? byEmail.get(emailKey) : undefined);
    const owner = emailKey ? byEmail.get(emailKey) : undefined;
    if (owner && stored && owner.id !== stored.id) {
      const whose = owner.enrolled ? `another member (number ${owner.memberNumber})` : "a contact";
      errors.add({ field: `row ${row} column email`, message: `belongs to ${whose}` });
    }
    if (stored) {
      const first = matchedBy.get(stored.id);
      if (first) errors.add({ field: `row ${row}`, message: `matches the same member as row ${first}` });
      else matchedBy.set(stored.id, row);
    } else if (fields.name === undefined) {
      errors.add({ field: `row ${row} column name`, message: `is needed for a new ${kind === "members" ? "member" : "contact"}` });
    }
    plans.push({ item, stored });
  }

  const types = await db.select().from(schema.membershipTypes).where(eq(schema.membershipTypes.orgId, orgId));
  const resolveType = typeResolver(types);
  const matchedIds = plans.flatMap(({ item, stored }) => (stored && item.membership ? [stored.id] : []));
  const existing = new Map(
    (await chunked(matchedIds, lookupChunk, (chunk) => db.select().from(ms).where(inArray(ms.memberId, chunk)))).map((row) => [
      `${row.memberId}|${row.typeId}|${row.startsOn}`,
      row,
    ]),
  );

  // Plan the writes, still collecting errors: nothing is written unless there are none. New
  // members and memberships are planned from the rows' own values; the rows to insert are
  // made only when they are written (never on a dry run).
  const created: PlannedMember[] = [];
  const updates: { id: string; changes: Partial<MemberRow>; enrol?: boolean }[] = [];
  const newMemberships: PlannedMembership[] = [];
  const payments: { id: string; paidAt?: string; paymentReference?: string }[] = [];
  const moved: string[] = [];
  let unchanged = 0;
  for (const { item, stored } of plans) {
    await pace();
    const memberId = stored?.id ?? newId(now);
    if (stored && kind === "members" && !stored.enrolled) {
      // A contact in the member file becomes a member, under their id, with the district of their address.
      updates.push({ id: stored.id, changes: changesOf(item.fields, stored), enrol: true });
      moved.push(stored.id);
    } else if (stored) {
      const changes = changesOf(item.fields, stored);
      if (Object.keys(changes).length === 0) unchanged++;
      else {
        updates.push({ id: stored.id, changes });
        // Reassigned whenever the postal code is rewritten; history rows appear only for real moves.
        if (changes.postalCode !== undefined) moved.push(stored.id);
      }
    } else {
      created.push({ id: memberId, fields: item.fields });
    }
    const wanted = item.membership;
    if (!wanted?.startsOn) continue;
    const type = resolveType(wanted.typeRef);
    if (typeof type === "string") {
      errors.add({ field: `row ${item.row} column membership_type`, message: type });
      continue;
    }
    const present = stored ? existing.get(`${stored.id}|${type.id}|${wanted.startsOn}`) : undefined;
    if (present) {
      const paidAt = wanted.paidAt !== undefined && wanted.paidAt !== present.paidAt ? wanted.paidAt : undefined;
      const reference =
        wanted.paymentReference !== undefined && wanted.paymentReference !== present.paymentReference ? wanted.paymentReference : undefined;
      if (paidAt !== undefined || reference !== undefined) payments.push({ id: present.id, paidAt, paymentReference: reference });
    } else if (type.archived) {
      errors.add({ field: `row ${item.row} column membership_type`, message: `'${type.name}' is archived and takes no new memberships` });
    } else {
      newMemberships.push({ memberId, type, startsOn: wanted.startsOn, paidAt: wanted.paidAt, paymentReference: wanted.paymentReference });
    }
  }

  if (errors.total > 0) throw rejected(errors, "The file has errors");
  const counts = {
    created: created.length,
    updated: updates.length,
    unchanged,
    memberships: newMemberships.length,
    payments: payments.length,
    dryRun: options.dryRun,
  };
  if (options.dryRun) return counts;

  const plan = { created, updates, newMemberships, payments, moved };
  const [org] = await db
    .select({
      consentNewsletters: schema.organisations.consentDefaultNewsletters,
      consentMeetingSummons: schema.organisations.consentDefaultMeetingSummons,
      consentCampaignNews: schema.organisations.consentDefaultCampaignNews,
    })
    .from(schema.organisations)
    .where(eq(schema.organisations.id, orgId));
  const consents = org ?? { consentNewsletters: false, consentMeetingSummons: false, consentCampaignNews: false };
  const enrolled = kind === "members";
  await runLongBatch(db, writeStatements(db, { orgId, plan, now, floor: floorOf(numberRow.keys()), enrolled, consents }));
  return counts;
}

/** The largest purely numeric number the file gives: generated numbers start above it, so they never collide with it. */
function floorOf(numbers: Iterable<string>): number {
  let floor = 0;
  for (const number of numbers) if (/^\d+$/.test(number)) floor = Math.max(floor, Number(number));
  return floor;
}

/** The writes of an import, made one at a time as they are run: 100,000 rows of statements at once would hold the event loop. */
function* writeStatements(
  db: Db,
  options: {
    orgId: string;
    plan: {
      created: PlannedMember[];
      updates: { id: string; changes: Partial<MemberRow>; enrol?: boolean }[];
      newMemberships: PlannedMembership[];
      payments: { id: string; paidAt?: string; paymentReference?: string }[];
      moved: string[];
    };
    now: Date;
    floor: number;
    enrolled: boolean;
    consents: ConsentDefaults;
  },
): Generator<Statement> {
  const { orgId, plan, now, floor } = options;
  for (const { id, changes, enrol } of plan.updates) {
    const enrolment = enrol && { enrolled: true, memberNumber: changes.memberNumber ?? nextMemberNumberSql(orgId, floor) };
    yield db
      .update(m)
      .set({ ...changes, ...enrolment, version: sql`${m.version} + 1`, updatedAt: now.toISOString() })
      .where(and(eq(m.orgId, orgId), eq(m.id, id)));
  }
  // Numbers are assigned inside each INSERT (see nextMemberNumberSql): offsets count up within the statement.
  const memberNumber = sql`COALESCE(${jsonField("memberNumber")}, ${nextMemberNumberSql(orgId, floor, jsonField("offset"))})`;
  for (let i = 0; i < plan.created.length; i += insertChunk) {
    let offset = 0;
    const rows = plan.created.slice(i, i + insertChunk).map((planned) => {
      const row = newMemberRow(orgId, planned, options);
      return row.memberNumber === null ? { ...row, offset: ++offset } : row;
    });
    yield insertJsonRows(db, m, rows, { memberNumber });
  }
  for (let i = 0; i < plan.newMemberships.length; i += insertChunk) {
    yield insertJsonRows(
      db,
      ms,
      plan.newMemberships.slice(i, i + insertChunk).map((planned) => newMembershipRow({ orgId, ...planned }, now)),
    );
  }
  for (const payment of plan.payments) {
    yield db
      .update(ms)
      .set({
        ...(payment.paidAt !== undefined && { paidAt: payment.paidAt }),
        ...(payment.paymentReference !== undefined && { paymentReference: payment.paymentReference }),
        version: sql`${ms.version} + 1`,
      })
      .where(eq(ms.id, payment.id));
  }
  const created = plan.created.map((row) => row.id);
  for (const [members, newMembers] of [
    [created, true],
    [plan.moved, false],
  ] as const) {
    for (let i = 0; i < members.length; i += reassignChunk) {
      const memberIds = members.slice(i, i + reassignChunk);
      yield* reassignStatements(db, { orgId, scope: { memberIds }, reason: "import", now, newMembers });
    }
  }
}
