/**
 * The organisation bench/http.ts loads: members, memberships, groups with rosters and events
 * with recurring series, written by INSERT … SELECT over generated rows (a million members
 * in seconds, never a request per row). The few rows whose shape belongs to the app (the
 * membership type, one event of each kind, the open event) go through the app itself and
 * are then copied in SQL with shifted dates, so every seeded row is one the app could have
 * written.
 */
import type { Client } from "@libsql/client";
import { createApp } from "../src/app.ts";
import { signMemberToken, tokenSecret } from "../src/auth/member-tokens.ts";
import { bootstrapIfEmpty } from "../src/bootstrap.ts";
import { openEmbedded } from "../src/db/embedded.ts";
import { createDb } from "../src/db/index.ts";
import { applyMigrations } from "../src/db/migrate.ts";
import { defaultConfig } from "../src/deps.ts";
import { createMemoryMailer } from "../src/mail/mailer.ts";

export const org = "bench";
export const adminKey = "grs_benchadminkey0123456789abcdefgh";

export const groupCount = 190;
export const rosterSize = 40;
export const eventCount = 20_000;
/** Of the events, weekly series: half open-ended, half of 20 occurrences. */
export const seriesCount = 1_000;
/** Registrations the open lectures allow for at least: more than a run of the route makes. */
const registrationsWanted = 100_000;

const firstNames = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ali", "Fatima", "Elin", "Oskar", "Zeynep"];
const lastNames = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson"];

/** Ids of seeded rows: UUID-shaped, as the API's path parameters require, and computable from the row's number. */
const idOf = (kind: string, n: number) => `0190aaaa-0000-7000-${kind}-${n.toString(16).padStart(12, "0")}`;
const idSql = (kind: string, column: string) => `printf('0190aaaa-0000-7000-${kind}-%012x', ${column})`;
export const memberId = (n: number) => idOf("8000", n);
export const groupId = (n: number) => idOf("9000", n);

/** Rows 0 … count-1 of a generated sequence, as a CTE named `seq(n)`. */
const sequence = (count: number) => `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ${count})`;

/** ISO 8601 of `column` shifted by `modifier` (an SQLite date modifier), in the form the app stores. */
const shifted = (column: string, modifier: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column}, ${modifier})`;

async function seedMembers(client: Client, orgId: string, typeId: string, count: number, at: string, year: number) {
  const names = JSON.stringify(firstNames);
  const surnames = JSON.stringify(lastNames);
  // In slices, so a million members never make one statement hold them all.
  const slice = 100_000;
  for (let start = 0; start < count; start += slice) {
    const end = Math.min(count, start + slice);
    await client.batch(
      [
        {
          sql: `${sequence(end - start)}, named AS (
              SELECT n + ${start} AS n,
                json_extract(?, '$[' || ((n + ${start}) % ${firstNames.length}) || ']') || ' ' ||
                json_extract(?, '$[' || (((n + ${start}) * 7) % ${lastNames.length}) || ']') AS name FROM seq)
            INSERT INTO members (id, org_id, member_number, name, name_key, email, email_key, created_at, updated_at)
            SELECT ${idSql("8000", "n")}, ?, CAST(n + 1 AS TEXT), name, lower(name),
              replace(lower(name), ' ', '.') || '.' || n || '@example.org', replace(lower(name), ' ', '.') || '.' || n || '@example.org', ?, ?
            FROM named`,
          args: [names, surnames, orgId, at, at],
        },
        {
          sql: `${sequence(end - start)}
            INSERT INTO memberships (id, org_id, member_id, type_id, kind, starts_on, ends_on, grace_until, fee_minor, currency, created_at)
            SELECT ${idSql("a000", `n + ${start}`)}, ?, ${idSql("8000", `n + ${start}`)}, ?, 'active', ?, ?, ?, 25000, 'SEK', ? FROM seq`,
          args: [orgId, typeId, `${year}-01-01`, `${year}-12-31`, `${year + 1}-01-30`, at],
        },
      ],
      "write",
    );
  }
}

/** Groups and their rosters: each of `rosterSize` members, spread over the organisation (members may be in several groups). */
async function seedGroups(client: Client, orgId: string, memberCount: number, at: string, year: number) {
  await client.batch(
    [
      {
        sql: `${sequence(groupCount)}
          INSERT INTO groups (id, org_id, kind, name, status, created_at, updated_at)
          SELECT ${idSql("9000", "n")}, ?, CASE WHEN n % 10 = 0 THEN 'network' ELSE 'local' END, 'Group ' || (n + 1), 'active', ?, ? FROM seq`,
        args: [orgId, at, at],
      },
      {
        sql: `${sequence(groupCount * rosterSize)}
          INSERT INTO group_memberships (id, org_id, group_id, member_id, role, joined_on)
          SELECT ${idSql("b000", "n")}, ?, ${idSql("9000", `n / ${rosterSize}`)}, ${idSql("8000", `(n * 2654435761) % ${memberCount}`)},
            CASE WHEN n % ${rosterSize} = 0 THEN 'convener' ELSE 'member' END, ?
          FROM seq`,
        args: [orgId, `${year}-01-01`],
      },
    ],
    "write",
  );
}

/**
 * Copies of a template event, the copy n shifted by the SQLite date modifier `modifier`
 * (SQL over n), spread over the groups and visibilities; ids numbered from `first`.
 */
function copyEvents(templateId: string, copies: number, first: number, modifier: string): { sql: string; args: string[] } {
  const visibility = `CASE n % 3 WHEN 0 THEN 'public' WHEN 1 THEN 'members' ELSE 'group' END`;
  return {
    sql: `${sequence(copies)}
      INSERT INTO events (id, org_id, title, kind, group_id, starts_at, ends_at, time_zone, visibility, status, rrule, exdates, recurring,
        span_start, span_end, registration_mode, registration_scope, capacity, requires_active_membership, version, created_at, updated_at)
      SELECT ${idSql("c000", `n + ${first}`)}, e.org_id, e.title || ' ' || (n + 1), e.kind, ${idSql("9000", `n % ${groupCount}`)},
        ${shifted("e.starts_at", modifier)}, ${shifted("e.ends_at", modifier)}, e.time_zone, ${visibility}, e.status, e.rrule, e.exdates, e.recurring,
        ${shifted("e.span_start", modifier)}, CASE WHEN e.span_end LIKE '9999%' THEN e.span_end ELSE ${shifted("e.span_end", modifier)} END,
        e.registration_mode, e.registration_scope, e.capacity, e.requires_active_membership, 1, e.created_at, e.updated_at
      FROM seq, events AS e WHERE e.id = ?`,
    args: [templateId],
  };
}

export interface Seeded {
  memberCount: number;
  prefix: string;
  groupId: string;
  month: { from: string; to: string };
  /** Lectures open for registration, outside the measured month: a member and a lecture make one registration. */
  openEventIds: string[];
  memberToken: string;
  /** An election in voting, with `candidateIds` standing, for bulk paper ballots. */
  election: { id: string; candidateIds: string[] };
}

/**
 * Calls the app over `db`, on the clock `now`, as the admin (or with `key`), under the
 * organisation's path; any answer but a success stops the seeding.
 */
function caller(db: ReturnType<typeof createDb>, now: () => Date) {
  const app = createApp({ db, mailer: createMemoryMailer(), clock: { now }, config: defaultConfig, openapiYaml: "", openapiJson: "" });
  return async <T>(method: string, route: string, body?: unknown, key = adminKey): Promise<T> => {
    const response = await app.request(`/v1/orgs/${org}${route}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`seeding ${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

/**
 * Seeds a fresh database file. Members, memberships, groups and rosters by SQL; one single
 * event and two weekly series (one open-ended, one of 20) through the app, then copied into
 * `eventCount` events around today (singles every 80 minutes over about three years, series
 * starting on consecutive weeks over the last two years), and one event open for registration.
 */
export async function seed(path: string, memberCount: number): Promise<Seeded> {
  const client = await openEmbedded(`file:${path}`);
  await applyMigrations(client);
  const db = createDb(client);
  const now = new Date();
  const at = now.toISOString();
  const year = now.getUTCFullYear();
  await bootstrapIfEmpty(db, { slug: org, adminKey, now });
  const call = caller(db, () => now);

  const type = await call<{ id: string }>("POST", "/membership-types", {
    name: "Active member",
    kind: "active",
    fee: { amount: 25000, currency: "SEK" },
    period: { type: "calendar_year" },
    graceDays: 30,
  });
  const orgRow = await client.execute({ sql: "SELECT id FROM organisations WHERE slug = ?", args: [org] });
  const orgId = String(orgRow.rows[0]?.id);
  await seedMembers(client, orgId, type.id, memberCount, at, year);
  await seedGroups(client, orgId, memberCount, at, year);

  const day = 24 * 60 * 60 * 1000;
  const hour = 60 * 60 * 1000;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 17);
  const event = (startsAt: number, extra: object) => ({
    title: "Meeting",
    kind: "group_meeting",
    groupId: groupId(0),
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(startsAt + 2 * hour).toISOString(),
    timeZone: "UTC",
    visibility: "members",
    ...extra,
  });
  const singles = eventCount - seriesCount;
  // Singles from about 18 months ago, one every 80 minutes; the template is the first of them.
  const firstSingle = today - Math.floor(singles / 2) * 80 * 60 * 1000;
  const single = await call<{ id: string }>("POST", "/events", event(firstSingle, {}));
  const weeksBack = 104;
  const seriesStart = today - weeksBack * 7 * day;
  const open = await call<{ id: string }>(
    "POST",
    "/events",
    event(seriesStart, { title: "Study circle", recurrence: { rrule: "FREQ=WEEKLY" } }),
  );
  const counted = await call<{ id: string }>(
    "POST",
    "/events",
    event(seriesStart + hour * 3, { title: "Course", kind: "training", recurrence: { rrule: "FREQ=WEEKLY;COUNT=20" } }),
  );
  const half = seriesCount / 2;
  await client.batch(
    [
      // Singles: the copy n starts 80 × (n + 1) minutes after the template.
      copyEvents(single.id, singles - 1, 0, "(((n + 1) * 80) || ' minutes')"),
      // Series: on later weeks within the two years, so each keeps its weekday and its rule holds.
      copyEvents(open.id, half - 1, singles, `((((n + 1) * 7) % ${weeksBack * 7}) || ' days')`),
      copyEvents(counted.id, half - 1, singles + half, `((((n + 1) * 7) % ${weeksBack * 7}) || ' days')`),
    ],
    "write",
  );

  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  // Enough lectures that the registrations measured (a member once each) never run out, however few the members.
  const openEventIds: string[] = [];
  for (let n = 0; n < Math.min(100, Math.ceil(registrationsWanted / memberCount)); n++)
    openEventIds.push(
      (
        await call<{ id: string }>(
          "POST",
          "/events",
          event(monthStart + (40 + n) * day, {
            title: `Open lecture ${n + 1}`,
            kind: "lecture",
            groupId: null,
            registration: { mode: "open", capacity: null, requiresActiveMembership: false },
          }),
        )
      ).id,
    );
  const secret = await tokenSecret(db, undefined);
  const election = await seedElection(db, secret, orgId, now);
  await client.execute("ANALYZE");
  const memberToken = (await signMemberToken(secret, { memberId: memberId(0), orgId }, now)).token;
  client.close();
  return {
    memberCount,
    prefix: `${firstNames[0]?.slice(0, 3).toLowerCase()}`,
    groupId: groupId(1),
    month: { from: new Date(monthStart).toISOString(), to: new Date(monthStart + 30 * day).toISOString() },
    openEventIds,
    memberToken,
    election,
  };
}

/**
 * An election of 7 seats with 30 members standing, in voting now: made through the app on a
 * clock four days back (nominations from then for two days, voting from three days back to
 * a week ahead), so every step is one the app takes, and opened by reading it now, which
 * writes its electorate of every member. Its calls to the electorate are turned off first:
 * a hundred thousand mails being sent would weigh on every figure measured after.
 */
async function seedElection(db: ReturnType<typeof createDb>, secret: Awaited<ReturnType<typeof tokenSecret>>, orgId: string, now: Date) {
  const day = 24 * 60 * 60 * 1000;
  const then = new Date(now.getTime() - 4 * day);
  const at = (ms: number) => new Date(then.getTime() + ms).toISOString();
  const call = caller(db, () => then);
  await call("PUT", "/mailing-automations/election_call", { enabled: false });
  const position = await call<{ id: string }>("POST", "/positions", { title: "Board", seats: 7, termMonths: 24 });
  const election = await call<{ id: string }>("POST", "/elections", {
    positionId: position.id,
    method: "meek_stv",
    electorate: { cutoffOn: at(0).slice(0, 10) },
    nomination: { opensAt: at(0), closesAt: at(2 * day) },
    voting: { opensAt: at(3 * day), closesAt: at(11 * day) },
  });
  await call("POST", `/elections/${election.id}/transitions`, { to: "nominating" });
  const candidateIds: string[] = [];
  for (let n = 1; n <= 30; n++) {
    const token = (await signMemberToken(secret, { memberId: memberId(n), orgId }, then)).token;
    candidateIds.push((await call<{ id: string }>("POST", `/elections/${election.id}/candidates`, {}, token)).id);
  }
  const { status } = await caller(db, () => now)<{ status: string }>("GET", `/elections/${election.id}`);
  if (status !== "voting") throw new Error(`seeding the election: it is ${status}, not voting`);
  return { id: election.id, candidateIds };
}
