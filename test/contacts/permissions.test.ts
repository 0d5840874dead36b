import { describe, expect, it } from "vitest";
import { json } from "../helpers/app.ts";
import { memberToken } from "../helpers/members.ts";
import { type CallerKind, castOfCallers, expectStatuses } from "../helpers/permission-matrix.ts";

/**
 * The permission table of the contact routes, row by row and column by column as in the
 * README: anonymous, the person themselves (`self`, a contact with a member token), another
 * member, the convener of a group, a convener of another group, readonly, staff, admin, and
 * another organisation's admin. Each caller acts on a fresh contact, so one caller's erasure
 * or enrolment cannot change what the next one meets.
 */

type Caller = "anonymous" | "self" | "otherMember" | "convener" | "otherConvener" | "readonly" | "staff" | "admin" | "otherOrgAdmin";
type Columns = [number, number, number, number, number, number, number, number, number];

const row = ([anonymous, self, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin]: Columns): Record<
  Caller,
  number
> => ({ anonymous, self, otherMember, convener, otherConvener, readonly, staff, admin, otherOrgAdmin });

const c = "/v1/orgs/demo/contacts";

interface Row {
  action: string;
  method: string;
  path: (id: string) => string;
  body?: (n: number) => unknown;
  headers?: Record<string, string>;
  expected: Record<Caller, number>;
}

const table: Row[] = [
  {
    action: "list and search contacts",
    method: "GET",
    path: () => `${c}?q=guest`,
    expected: row([401, 403, 403, 403, 403, 200, 200, 200, 404]),
  },
  {
    action: "create a contact",
    method: "POST",
    path: () => c,
    body: (n) => ({ name: "New", email: `new-${n}@example.org` }),
    expected: row([401, 403, 403, 403, 403, 403, 201, 201, 404]),
  },
  {
    action: "import contacts",
    method: "POST",
    path: () => `${c}/import`,
    body: (n) => `name,email\r\nImported,imported-${n}@example.org\r\n`,
    headers: { "Content-Type": "text/csv" },
    expected: row([401, 403, 403, 403, 403, 403, 200, 200, 404]),
  },
  { action: "read a contact", method: "GET", path: (id) => `${c}/${id}`, expected: row([401, 403, 403, 403, 403, 200, 200, 200, 404]) },
  {
    action: "update a contact",
    method: "PATCH",
    path: (id) => `${c}/${id}`,
    body: () => ({ city: "Uppsala" }),
    expected: row([401, 403, 403, 403, 403, 403, 200, 200, 404]),
  },
  { action: "erase a contact", method: "DELETE", path: (id) => `${c}/${id}`, expected: row([401, 403, 403, 403, 403, 403, 204, 204, 404]) },
  {
    action: "enrol a contact as a member",
    method: "POST",
    path: (id) => `${c}/${id}/enrol`,
    expected: row([401, 403, 403, 403, 403, 403, 200, 200, 404]),
  },
  {
    action: "export a contact's data",
    method: "GET",
    path: (id) => `${c}/${id}/export`,
    expected: row([401, 403, 403, 403, 403, 403, 200, 200, 404]),
  },
  {
    action: "export the contacts CSV",
    method: "GET",
    path: () => `${c}/export.csv`,
    expected: row([401, 403, 403, 403, 403, 403, 200, 200, 404]),
  },
];

describe("permissions of the contact routes", () => {
  it.each(table)("$action", async ({ method, path, body, headers, expected }) => {
    const cast = await castOfCallers();
    const { t } = cast;
    let n = 0;
    await expectStatuses<Caller>(async (caller) => {
      n += 1;
      const contact = await json<{ id: string }>(
        await t.request("POST", c, { body: { name: `Guest ${n}`, email: `guest-${n}@example.org`, gender: "woman" } }),
        201,
      );
      const key =
        caller === "self"
          ? await memberToken(t, contact.id)
          : await cast.key(caller === "otherMember" ? "noneMember" : (caller as CallerKind));
      return t.request(method, path(contact.id), { key, body: body?.(n), headers });
    }, expected);
  });

  it("gives a contact their own record at /me, with their statistics fields, and nothing of the contact routes", async () => {
    const cast = await castOfCallers();
    const { t } = cast;
    const contact = await json<{ id: string }>(await t.request("POST", c, { body: { name: "Guest", birthYear: 1990 } }), 201);
    const key = await memberToken(t, contact.id);
    for (const path of ["/v1/orgs/demo/me", "/v1/orgs/demo/me/export", "/v1/orgs/demo/me/memberships"]) {
      expect((await t.request("GET", path, { key })).status, path).toBe(200);
    }
    expect(await json(await t.request("GET", "/v1/orgs/demo/me", { key }), 200)).toMatchObject({ birthYear: 1990, isMember: false });
  });
});
