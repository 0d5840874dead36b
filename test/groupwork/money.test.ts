import { describe, expect, it } from "vitest";
import { json, problemOf, testApp } from "../helpers/app.ts";

import { createActiveMember, memberToken } from "../helpers/members.ts";
import { recordStatements } from "../helpers/statements.ts";
import { addToGroup, createCampaign, createGroup } from "./helpers.ts";

type Figures = {
  currency: string;
  appliedMinor: number;
  grantedMinor: number;
  paidMinor: number;
  incomeMinor: number;
  expensesMinor: number;
  balanceMinor: number;
};

describe("a group's money", () => {
  it("keeps grants, income and expenses exact in minor units, per currency, with the balance", async () => {
    const t = await testApp();
    const group = await createGroup(t);
    const campaign = await createCampaign(t);
    const path = `/v1/orgs/${t.org}/groups/${group}`;
    const grant = await json<{ id: string; amountMinor: number; status: string }>(
      await t.request("POST", `${path}/grants`, { body: { amount: 5000, currency: "SEK", purpose: "Spring street stand" } }),
      201,
    );
    expect(grant).toMatchObject({ amountMinor: 500000, status: "applied" });
    const income = await t.request("POST", `${path}/income`, {
      body: { amount: 1234.56, currency: "SEK", receivedOn: "2026-11-14", source: "street_collection", campaignId: campaign },
    });
    const incomeBody = await json<{ id: string; amountMinor: number; amount: number }>(income, 201);
    expect(incomeBody).toMatchObject({ amountMinor: 123456, amount: 1234.56 });
    expect(income.headers.get("Location")).toBe(`${path}/income/${incomeBody.id}`);
    await json(await t.request("GET", `${path}/income/${incomeBody.id}`), 200);
    await json(
      await t.request("POST", `${path}/income`, { body: { amount: 0.1, currency: "EUR", receivedOn: "2026-11-19", source: "online" } }),
      201,
    );
    await json(
      await t.request("POST", `${path}/income`, { body: { amount: 0.2, currency: "EUR", receivedOn: "2026-11-20", source: "online" } }),
      201,
    );
    await json(
      await t.request("POST", `${path}/expenses`, {
        body: { amount: 200.05, currency: "SEK", spentOn: "2026-11-15", description: "Leaflets" },
      }),
      201,
    );

    const decide = (status: string, etag?: string) =>
      t.request("PATCH", `${path}/grants/${grant.id}`, { body: { status }, headers: etag ? { "If-Match": etag } : {} });
    expect((await problemOf(await decide("paid"))).status).toBe(409);
    expect((await problemOf(await decide("granted", '"9"'))).status).toBe(412);
    const granted = await decide("granted", '"1"');
    expect(granted.headers.get("ETag")).toBe('"2"');
    expect(await json(granted, 200)).toMatchObject({ status: "granted", decidedOn: "2026-11-21" });
    const money = () => t.request("GET", `${path}/money`).then((r) => json<{ currencies: Figures[] }>(r, 200));
    expect((await money()).currencies).toEqual([
      { currency: "EUR", appliedMinor: 0, grantedMinor: 0, paidMinor: 0, incomeMinor: 30, expensesMinor: 0, balanceMinor: 30 },
      {
        currency: "SEK",
        appliedMinor: 0,
        grantedMinor: 500000,
        paidMinor: 0,
        incomeMinor: 123456,
        expensesMinor: 20005,
        balanceMinor: 103451,
      },
    ]);
    expect(await json(await decide("paid"), 200)).toMatchObject({ status: "paid", paidOn: "2026-11-21" });
    expect((await money()).currencies[1]).toMatchObject({ paidMinor: 500000, balanceMinor: 603451 });

    // The year's lines of every group are long reads, on a thread of their own, off the event loop: the app's own connection reads none.
    const onTheLoop = recordStatements(t);
    const csv = await t.request("GET", `/v1/orgs/${t.org}/reports/money.csv?year=2026`);
    expect(onTheLoop.filter(({ sql }) => sql.includes("'grant_paid'"))).toEqual([]);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("date,group_id,group,entry,source,campaign,description,amount,currency,id");
    expect(lines.slice(1).map((line) => line.split(",").slice(0, 9).join(","))).toEqual([
      `2026-11-14,${group},Local group,income,street_collection,Stop torture,,1234.56,SEK`,
      `2026-11-15,${group},Local group,expense,,,Leaflets,200.05,SEK`,
      `2026-11-19,${group},Local group,income,online,,,0.10,EUR`,
      `2026-11-20,${group},Local group,income,online,,,0.20,EUR`,
      `2026-11-21,${group},Local group,grant_paid,,,Spring street stand,5000.00,SEK`,
    ]);
  });

  it("refuses negative amounts, too many decimals, unknown currencies and future days, naming the field, and changes nothing", async () => {
    const t = await testApp();
    const group = await createGroup(t);
    const path = `/v1/orgs/${t.org}/groups/${group}`;
    const income = (body: Record<string, unknown>) =>
      t.request("POST", `${path}/income`, { body: { amount: 10, currency: "SEK", receivedOn: "2026-11-20", source: "event", ...body } });
    const fields = async (response: Response) => {
      const problem = await problemOf(response);
      expect(problem.status).toBe(422);
      return problem.errors?.map((e) => `${e.field}: ${e.message}`);
    };
    expect(await fields(await income({ amount: -5 }))).toEqual(["body.amount: must not be negative"]);
    expect(await fields(await income({ amount: 10.005 }))).toEqual(["body.amount: must have at most 2 decimals in SEK"]);
    expect(await fields(await income({ amount: 100.5, currency: "JPY" }))).toEqual(["body.amount: must be a whole number in JPY"]);
    expect(await fields(await income({ currency: "XYZ" }))).toEqual(["body.currency: is not an ISO 4217 currency code"]);
    expect(await fields(await income({ receivedOn: "2026-11-22" }))).toEqual(["body.receivedOn: must not be in the future"]);
    expect(await fields(await income({ campaignId: "01a1fc82-9876-7000-8000-000000000000" }))).toEqual([
      "body.campaignId: is not a campaign of this organisation",
    ]);
    expect(await fields(await t.request("POST", `${path}/grants`, { body: { amount: -1, currency: "SEK", purpose: "x" } }))).toEqual([
      "body.amount: must not be negative",
    ]);
    await json(await income({ amount: 1.234, currency: "KWD" }), 201);
    const money = await json<{ currencies: Figures[] }>(await t.request("GET", `${path}/money`), 200);
    expect(money.currencies).toEqual([expect.objectContaining({ currency: "KWD", incomeMinor: 1234 })]);
  });

  it("lets conveners record for their own group only, and members read only their group's totals", async () => {
    const t = await testApp();
    const group = await createGroup(t, "Ours");
    const other = await createGroup(t, "Theirs");
    const convener = await createActiveMember(t);
    const member = await createActiveMember(t);
    await addToGroup(t, group, convener, "convener");
    await addToGroup(t, group, member);
    const asConvener = await memberToken(t, convener);
    const asMember = await memberToken(t, member);
    const body = { amount: 50, currency: "SEK", receivedOn: "2026-11-20", source: "street_collection" };
    await json(await t.request("POST", `/v1/orgs/${t.org}/groups/${group}/income`, { key: asConvener, body }), 201);
    expect((await t.request("POST", `/v1/orgs/${t.org}/groups/${other}/income`, { key: asConvener, body })).status).toBe(403);
    expect((await t.request("POST", `/v1/orgs/${t.org}/groups/${group}/income`, { key: asMember, body })).status).toBe(403);
    expect((await t.request("GET", `/v1/orgs/${t.org}/groups/${group}/income`, { key: asMember })).status).toBe(403);
    const totals = await json<{ currencies: Figures[] }>(
      await t.request("GET", `/v1/orgs/${t.org}/groups/${group}/money`, { key: asMember }),
      200,
    );
    expect(totals.currencies[0]).toMatchObject({ incomeMinor: 5000 });
    expect((await t.request("GET", `/v1/orgs/${t.org}/groups/${other}/money`, { key: asMember })).status).toBe(403);
  });
});
