import { z } from "@hono/zod-openapi";
import { requireRole, requireRoleOrMember } from "../http/auth.ts";
import { ctxOf } from "../http/context.ts";
import { expectedVersion, immutableVersion, setEtag } from "../http/etag.ts";
import {
  authProblems,
  bearerSecurity,
  bodyProblems,
  createRouter,
  defineRoute,
  etagHeader,
  IdSchema,
  IfMatchHeaders,
  jsonBody,
  jsonContent,
  locationHeader,
  OrgIdParams,
  OrgParams,
  problems,
} from "../http/openapi.ts";
import { PageQuery, pageOf } from "../http/pagination.ts";
import {
  ExpenseCreate,
  GrantCreate,
  GrantDecision,
  GrantPublic,
  GroupMoney,
  IncomeCreate,
  MoneyEntryPublic,
  YearQuery,
} from "./money.schemas.ts";
import {
  applyForGrant,
  decideGrant,
  getEntry,
  getGrant,
  groupMoney,
  listEntries,
  listGrants,
  recordExpense,
  recordIncome,
  toEntryPublic,
  toGrantPublic,
} from "./money.service.ts";
import { moneyLedgerCsv } from "./money-ledger.ts";

const tags = ["Group money"];
const readers = [requireRoleOrMember("readonly")];
const GrantParams = OrgIdParams.extend({ grantId: IdSchema.openapi({ param: { name: "grantId", in: "path" } }) });
const EntryParams = OrgIdParams.extend({ entryId: IdSchema.openapi({ param: { name: "entryId", in: "path" } }) });
const base = "/v1/orgs/{org}/groups/{id}";
const created = (schema: z.ZodType, what: string) => ({
  201: { ...jsonContent(schema, `The ${what}.`), headers: { ...etagHeader, ...locationHeader(what) } },
  ...problems(...authProblems, ...bodyProblems, "idempotency_key_reused"),
});

const grantApply = defineRoute({
  method: "post",
  path: `${base}/grants`,
  operationId: "applyForGrant",
  tags,
  summary: "Apply to the section for a grant",
  description: "By staff, or a convener or contact person for their own group. The application starts as `applied`; staff decide it.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, body: jsonBody(GrantCreate) },
  responses: created(GrantPublic, "grant application"),
});

const grantList = defineRoute({
  method: "get",
  path: `${base}/grants`,
  operationId: "listGroupGrants",
  tags,
  summary: "A group's grant applications, by day applied",
  description: "For keys and the group's conveners.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams, query: PageQuery },
  responses: { 200: jsonContent(pageOf(GrantPublic, "GrantApplicationPage"), "Applications."), ...problems(...authProblems) },
});

const grantGet = defineRoute({
  method: "get",
  path: `${base}/grants/{grantId}`,
  operationId: "getGroupGrant",
  tags,
  summary: "Read a grant application",
  description: "For keys and the group's conveners; the ETag is the version staff give in If-Match when they decide or pay it.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: GrantParams },
  responses: { 200: { ...jsonContent(GrantPublic, "The application."), headers: etagHeader }, ...problems(...authProblems) },
});

const grantDecide = defineRoute({
  method: "patch",
  path: `${base}/grants/{grantId}`,
  operationId: "decideGroupGrant",
  tags,
  summary: "Grant, decline or pay a grant application (staff)",
  description: "applied → granted or declined; granted → paid. Any other move is a 409.",
  security: bearerSecurity,
  middleware: [requireRole("staff")],
  request: { params: GrantParams, headers: IfMatchHeaders, body: jsonBody(GrantDecision) },
  responses: {
    200: { ...jsonContent(GrantPublic, "The application."), headers: etagHeader },
    ...problems(...authProblems, ...bodyProblems, "conflict", "precondition_failed"),
  },
});

function entryRoutes(kind: "income" | "expense") {
  const segment = kind === "income" ? "income" : "expenses";
  const noun = kind === "income" ? "Income" : "Expense";
  const record = defineRoute({
    method: "post",
    path: `${base}/${segment}`,
    operationId: kind === "income" ? "recordGroupIncome" : "recordGroupExpense",
    tags,
    summary: kind === "income" ? "Record fundraising income" : "Report an expense",
    description:
      "By staff, or a convener or contact person for their own group. 422 for a negative amount, more decimals than the currency " +
      "has, an unknown currency, or a day in the future. Never changed once made.",
    security: bearerSecurity,
    middleware: readers,
    request: { params: OrgIdParams, body: jsonBody(kind === "income" ? IncomeCreate : ExpenseCreate) },
    responses: created(MoneyEntryPublic, kind),
  });
  const list = defineRoute({
    method: "get",
    path: `${base}/${segment}`,
    operationId: kind === "income" ? "listGroupIncome" : "listGroupExpenses",
    tags,
    summary: `A group's ${segment}, by day`,
    description: "For keys and the group's conveners.",
    security: bearerSecurity,
    middleware: readers,
    request: { params: OrgIdParams, query: PageQuery },
    responses: { 200: jsonContent(pageOf(MoneyEntryPublic, "MoneyEntryPage"), `${noun}.`), ...problems(...authProblems) },
  });
  const get = defineRoute({
    method: "get",
    path: `${base}/${segment}/{entryId}`,
    operationId: kind === "income" ? "getGroupIncome" : "getGroupExpense",
    tags,
    summary: `Read one ${kind}`,
    description: "For keys and the group's conveners; others are refused (403).",
    security: bearerSecurity,
    middleware: readers,
    request: { params: EntryParams },
    responses: { 200: { ...jsonContent(MoneyEntryPublic, noun), headers: etagHeader }, ...problems(...authProblems) },
  });
  return createRouter()
    .openapi(record, async (c) => {
      const groupId = c.req.valid("param").id;
      const ctx = ctxOf(c);
      const input = c.req.valid("json");
      const row = "receivedOn" in input ? await recordIncome(ctx, { groupId, input }) : await recordExpense(ctx, { groupId, input });
      c.header("Location", `/v1/orgs/${c.get("org").slug}/groups/${groupId}/${segment}/${row.id}`);
      setEtag(c, immutableVersion);
      return c.json(toEntryPublic(row), 201);
    })
    .openapi(list, async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listEntries(ctxOf(c), { groupId: c.req.valid("param").id, kind, limit, cursor }), 200);
    })
    .openapi(get, async (c) => {
      const { id, entryId } = c.req.valid("param");
      setEtag(c, immutableVersion);
      return c.json(toEntryPublic(await getEntry(ctxOf(c), { groupId: id, kind, id: entryId })), 200);
    });
}

const summary = defineRoute({
  method: "get",
  path: `${base}/money`,
  operationId: "getGroupMoney",
  tags,
  summary: "A group's money: grants, income, expenses and balance per currency",
  description: "All time, in minor units. For keys, the group's conveners, and its members in good standing.",
  security: bearerSecurity,
  middleware: readers,
  request: { params: OrgIdParams },
  responses: { 200: jsonContent(GroupMoney, "The figures."), ...problems(...authProblems) },
});

const ledger = defineRoute({
  method: "get",
  path: "/v1/orgs/{org}/reports/money.csv",
  operationId: "exportMoneyCsv",
  tags,
  summary: "A year's money of every group as CSV, for the bookkeeping",
  description:
    "One line per grant paid, income and expense of the year, by day: the group, what it is, the amount in major " +
    "units with its currency. Cells a spreadsheet would run as a formula start with an apostrophe.",
  security: bearerSecurity,
  middleware: [requireRole("readonly")],
  request: { params: OrgParams, query: YearQuery },
  responses: { 200: { description: "The lines.", content: { "text/csv": { schema: z.string() } } }, ...problems(...authProblems) },
});

export const moneyRoutes = createRouter()
  .openapi(grantApply, async (c) => {
    const groupId = c.req.valid("param").id;
    const row = await applyForGrant(ctxOf(c), { groupId, input: c.req.valid("json") });
    c.header("Location", `/v1/orgs/${c.get("org").slug}/groups/${groupId}/grants/${row.id}`);
    setEtag(c, row.version);
    return c.json(toGrantPublic(row), 201);
  })
  .openapi(grantList, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listGrants(ctxOf(c), { groupId: c.req.valid("param").id, limit, cursor }), 200);
  })
  .openapi(grantGet, async (c) => {
    const { id, grantId } = c.req.valid("param");
    const row = await getGrant(ctxOf(c), { groupId: id, id: grantId });
    setEtag(c, row.version);
    return c.json(toGrantPublic(row), 200);
  })
  .openapi(grantDecide, async (c) => {
    const { id, grantId } = c.req.valid("param");
    const row = await decideGrant(ctxOf(c), { groupId: id, id: grantId, input: c.req.valid("json"), expected: expectedVersion(c) });
    setEtag(c, row.version);
    return c.json(toGrantPublic(row), 200);
  })
  .route("/", entryRoutes("income"))
  .route("/", entryRoutes("expense"))
  .openapi(summary, async (c) => c.json(await groupMoney(ctxOf(c), { groupId: c.req.valid("param").id }), 200))
  .openapi(ledger, async (c) => {
    const { year } = c.req.valid("query");
    const org = c.get("org");
    return c.body(await moneyLedgerCsv(ctxOf(c), { year }), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${org.slug}-group-money-${year}.csv"`,
      "Cache-Control": "no-store",
    });
  });
