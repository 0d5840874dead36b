import { describe, expect, it } from "vitest";
import { json } from "../helpers/app.ts";
import { castOfCallers, expectReachable, expectSeen, idsOfPage, type Labels } from "../helpers/permission-matrix.ts";
import { announce, base, createElection } from "./helpers.ts";

/**
 * Which candidates each kind of caller finds: keys see every nomination; members see who
 * stands and who withdrew, and the nominations they made or received, never someone else's
 * unanswered one; a candidate's gender is shown to keys and to the candidate only.
 */

async function world() {
  const cast = await castOfCallers();
  const { t, members } = cast;
  const election = await createElection(t);
  await announce(t, election.id);
  const url = `${base(t)}/elections/${election.id}/candidates`;
  const labels: Labels = {};
  const nominate = async (label: string, key: string | null, body: Record<string, unknown>) => {
    const candidate = await json<{ id: string }>(await t.request("POST", url, { key, body }), 201);
    labels[candidate.id] = label;
    return candidate.id;
  };
  await nominate("stands", await cast.key("groupMember"), { gender: "woman", statement: "I stand" });
  // The convener nominated the other member, who has not answered yet.
  await nominate("nominated", await cast.key("convener"), { memberId: members.otherMember });
  const withdrawn = await nominate("withdrew", await cast.key("graceMember"), { gender: "man" });
  await json(await t.request("POST", `${url}/${withdrawn}/withdraw`, { key: await cast.key("graceMember") }), 200);
  return { cast, t, election: election.id, url, labels };
}

const all = ["stands", "nominated", "withdrew"];
const membersSee = {
  convener: all,
  groupMember: ["stands", "withdrew"],
  otherMember: all,
  graceMember: ["stands", "withdrew"],
  lapsedMember: ["stands", "withdrew"],
  noneMember: ["stands", "withdrew"],
};
const matrix = { anonymous: 401, readonly: all, staff: all, admin: all, otherOrgAdmin: 404, ...membersSee } as const;

describe("who sees which candidates", () => {
  it("lists each caller the candidates it may see (GET /elections/{id}/candidates)", async () => {
    const { cast, t, url, labels } = await world();
    await expectSeen(cast, labels, (key) => t.request("GET", url, { key }), idsOfPage(), matrix);
  });

  it("answers a read of a candidate the caller may not see with 404", async () => {
    const { cast, t, url, labels } = await world();
    const targets = Object.fromEntries(
      Object.entries(labels).map(([id, label]) => [label, (key: string | null) => t.request("GET", `${url}/${id}`, { key })]),
    );
    await expectReachable(cast, targets, matrix);
  });

  it("shows the same candidates on the election's own page", async () => {
    const { cast, t, election, labels } = await world();
    const read = async (response: Response) => ((await response.json()) as { candidates: { id: string }[] }).candidates.map((c) => c.id);
    await expectSeen(cast, labels, (key) => t.request("GET", `${base(t)}/elections/${election}`, { key }), read, matrix);
  });

  it("shows a candidate's gender to keys and to the candidate only", async () => {
    const { cast, t, url, labels } = await world();
    const genders = async (kind: Parameters<typeof cast.key>[0]) => {
      const page = await json<{ data: { id: string; gender?: string | null }[] }>(
        await t.request("GET", url, { key: await cast.key(kind) }),
        200,
      );
      return Object.fromEntries(page.data.map((c) => [labels[c.id], c.gender === undefined ? "hidden" : c.gender]));
    };
    expect(await genders("readonly")).toEqual({ stands: "woman", nominated: null, withdrew: "man" });
    expect(await genders("groupMember")).toEqual({ stands: "woman", withdrew: "hidden" });
    expect(await genders("graceMember")).toEqual({ stands: "hidden", withdrew: "man" });
    expect(await genders("convener")).toEqual({ stands: "hidden", nominated: "hidden", withdrew: "hidden" });
    expect(await genders("noneMember")).toEqual({ stands: "hidden", withdrew: "hidden" });
  });
});
