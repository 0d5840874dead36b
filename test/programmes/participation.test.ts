import { describe, expect, it } from "vitest";
import { json, problemOf, snapshot, type TestApp, testApp } from "../helpers/app.ts";
import { createMember, createMembershipType, giveMembership } from "../helpers/members.ts";
import { createPartner, createProgrammeArea, record, register, setStatistics } from "./helpers.ts";

/**
 * The participation report against figures the test works out itself from what it made:
 * a politician school abroad, a lecture at home, a weekly series registered session by
 * session, attendances outside the period and no-shows that must not count.
 */

type Gender = "woman" | "man" | "other" | null;
interface Person {
  id: string;
  gender: Gender;
  birthYear: number | null;
}
interface Attendance {
  activity: string;
  person: Person;
  country: string | null;
  areas: string[];
  partners: string[];
  year: number;
}

interface Figures {
  activities?: number;
  participants: number | null;
  attendances: number | null;
}
interface Report {
  totals: Required<Figures>;
  byGender: (Figures & { gender: string })[];
  byAgeBand: (Figures & { band: string })[];
  byCountry: (Figures & { country: string | null })[];
  byProgrammeArea: (Figures & { programmeAreaId: string; name: string })[];
  byPartner: (Figures & { partnerId: string; name: string })[];
  suppression: { minimumCount: number; suppressedCells: number; note: string };
}

const statistics: [Gender, number | null][] = [
  ["woman", 1990],
  ["woman", 2001],
  ["woman", 2000],
  ["man", 1985],
  ["man", 2003],
  ["other", 1999],
  [null, 1970],
  ["woman", null],
  ["man", 1960],
  ["woman", 1998],
  ["man", 2005],
  ["woman", 1995],
];

/** The forum's year 2027, made through the API; returns what the test knows about it. */
async function forumYear(t: TestApp) {
  const people: Person[] = [];
  for (const [gender, birthYear] of statistics) {
    const id = await createMember(t);
    await setStatistics(t, id, gender, birthYear);
    people.push({ id, gender, birthYear });
  }
  const p = (i: number) => people[i] as Person;
  const democracy = await createProgrammeArea(t, { name: "Extended democracy", startsOn: "2026-01-01", endsOn: "2028-12-31" });
  const women = await createProgrammeArea(t, { name: "Participation of women, youth and marginalised groups" });
  const capacity = await createProgrammeArea(t, { name: "Capacity building" });
  const guatemala = await createPartner(t, { name: "Partido Winaq", kind: "party", country: "GT" });
  const sweden = await createPartner(t, { name: "Forum Syd", kind: "ngo", country: "SE" });

  const event = async (body: Record<string, unknown>) =>
    (
      await json<{ id: string }>(
        await t.request("POST", `/v1/orgs/${t.org}/events`, {
          body: { timeZone: "Europe/Stockholm", visibility: "public", registration: { mode: "open" }, ...body },
        }),
        201,
      )
    ).id;
  const school = await event({
    title: "Politician school",
    kind: "training",
    startsAt: "2027-03-01T14:00:00.000Z",
    endsAt: "2027-03-05T22:00:00.000Z",
    timeZone: "America/Guatemala",
    country: "GT",
    programmeAreaIds: [democracy, capacity],
    partnerIds: [guatemala],
    registration: { mode: "open", requiresActiveMembership: false },
  });
  const lecture = await event({
    title: "Public lecture",
    kind: "lecture",
    startsAt: "2027-05-10T16:00:00.000Z",
    endsAt: "2027-05-10T18:00:00.000Z",
    programmeAreaIds: [women],
    partnerIds: [sweden, guatemala],
  });
  const series = await event({
    title: "Study circle",
    kind: "group_meeting",
    startsAt: "2027-09-06T16:00:00.000Z",
    endsAt: "2027-09-06T18:00:00.000Z",
    recurrence: { rrule: "FREQ=WEEKLY;COUNT=3" },
    programmeAreaIds: [capacity],
  });
  const sessions = ["2027-09-06T16:00:00.000Z", "2027-09-13T16:00:00.000Z", "2027-09-20T16:00:00.000Z"];
  const nextYear = await event({
    title: "Next year's lecture",
    kind: "lecture",
    startsAt: "2028-02-01T16:00:00.000Z",
    endsAt: "2028-02-01T18:00:00.000Z",
    programmeAreaIds: [women],
  });

  // A member meeting: one member registered and checked in (counted once), one only checked in.
  const membership = await createMembershipType(t);
  for (const i of [3, 8]) await giveMembership(t, p(i).id, membership, "2027-01-01");
  const meeting = await event({
    title: "Annual meeting",
    kind: "member_meeting",
    startsAt: "2027-06-12T09:00:00.000Z",
    endsAt: "2027-06-12T15:00:00.000Z",
    programmeAreaIds: [democracy],
  });

  const schoolIds = [0, 1, 2, 3, 4, 5, 6, 7].map(p);
  const lectureIds = [0, 1, 2, 9, 11, 3].map(p);
  const sessionPeople = [[8, 9, 10].map(p), [8, 9].map(p), [10, 0].map(p)];
  const registrations = {
    school: await register(
      t,
      school,
      schoolIds.map((x) => x.id),
    ),
    lecture: await register(
      t,
      lecture,
      lectureIds.map((x) => x.id),
    ),
    noShow: await register(t, lecture, [p(4).id]),
    sessions: [] as string[][],
    nextYear: await register(t, nextYear, [p(5).id, p(6).id]),
    meeting: await register(t, meeting, [p(3).id]),
  };
  for (const [index, start] of sessions.entries()) {
    registrations.sessions.push(
      await register(
        t,
        series,
        (sessionPeople[index] as Person[]).map((x) => x.id),
        start,
      ),
    );
  }
  t.clock.set("2028-03-01T10:00:00.000Z");
  await record(t, school, registrations.school);
  await record(t, lecture, registrations.lecture);
  await record(t, lecture, registrations.noShow, "no_show");
  for (const ids of registrations.sessions) await record(t, series, ids);
  await record(t, nextYear, registrations.nextYear);
  await record(t, meeting, registrations.meeting);
  for (const i of [3, 8])
    await json(await t.request("POST", `/v1/orgs/${t.org}/events/${meeting}/check-ins`, { body: { memberId: p(i).id } }), 201);

  const attendances: Attendance[] = [
    ...schoolIds.map((person) => ({
      activity: school,
      person,
      country: "GT",
      areas: [democracy, capacity],
      partners: [guatemala],
      year: 2027,
    })),
    ...lectureIds.map((person) => ({
      activity: lecture,
      person,
      country: null,
      areas: [women],
      partners: [sweden, guatemala],
      year: 2027,
    })),
    ...sessions.flatMap((start, index) =>
      (sessionPeople[index] as Person[]).map((person) => ({
        activity: `${series}@${start}`,
        person,
        country: null,
        areas: [capacity],
        partners: [],
        year: 2027,
      })),
    ),
    ...[3, 8].map((i) => ({ activity: meeting, person: p(i), country: null, areas: [democracy], partners: [], year: 2027 })),
  ];
  return { attendances, areas: { democracy, women, capacity }, partners: { guatemala, sweden } };
}

/** Activities, unique people and attendances of a set of attendances. */
function figuresOf(rows: Attendance[]) {
  return {
    activities: new Set(rows.map((row) => row.activity)).size,
    participants: new Set(rows.map((row) => row.person.id)).size,
    attendances: rows.length,
  };
}
const people = (rows: Attendance[]) => {
  const { participants, attendances } = figuresOf(rows);
  return { participants, attendances };
};

function bandOf(row: Attendance) {
  if (row.person.birthYear === null) return "unknown";
  return row.year - row.person.birthYear < 30 ? "under 30" : "30 and over";
}

/** Each test makes a year of the forum's work through the API first: more requests than a test usually sends. */
const scenario = { timeout: 30_000 };

describe("the participation report", () => {
  it("counts activities, people and attendances as the test works them out from the data it made", scenario, async () => {
    const t = await testApp();
    const { attendances, areas, partners } = await forumYear(t);
    // Nothing withheld, so every figure can be compared.
    await json(
      await t.request("PUT", `/v1/orgs/${t.org}/reports/participation/settings`, { body: { ageLimits: [30], minimumCount: 1 } }),
      200,
    );
    const report = await json<Report>(await t.request("GET", `/v1/orgs/${t.org}/reports/participation?from=2027-01-01&to=2027-12-31`), 200);

    expect(report.totals).toEqual(figuresOf(attendances));
    expect(report.totals).toEqual({ activities: 6, participants: 12, attendances: 23 });
    const genders = { women: "woman", men: "man", other: "other", unknown: null } as const;
    expect(report.byGender).toEqual(
      Object.entries(genders).map(([gender, stored]) => ({
        gender,
        ...people(attendances.filter((row) => row.person.gender === stored)),
      })),
    );
    expect(report.byAgeBand).toEqual(
      [
        ["under 30", null, 29],
        ["30 and over", 30, null],
        ["unknown", null, null],
      ].map(([band, minAge, maxAge]) => ({ band, minAge, maxAge, ...people(attendances.filter((row) => bandOf(row) === band)) })),
    );
    expect(report.byCountry).toEqual([
      { country: null, ...figuresOf(attendances.filter((row) => row.country === null)) },
      { country: "GT", ...figuresOf(attendances.filter((row) => row.country === "GT")) },
    ]);
    const byArea = Object.values(areas)
      .map((id) => ({ id, rows: attendances.filter((row) => row.areas.includes(id)) }))
      .filter((area) => area.rows.length > 0);
    expect(
      report.byProgrammeArea.map(({ name: _, ...row }) => row).sort((a, b) => a.programmeAreaId.localeCompare(b.programmeAreaId)),
    ).toEqual(
      byArea
        .map((area) => ({ programmeAreaId: area.id, ...figuresOf(area.rows) }))
        .sort((a, b) => a.programmeAreaId.localeCompare(b.programmeAreaId)),
    );
    expect(report.byPartner.map(({ name, ...row }) => [name, row])).toEqual([
      ["Forum Syd", { partnerId: partners.sweden, ...figuresOf(attendances.filter((row) => row.partners.includes(partners.sweden))) }],
      [
        "Partido Winaq",
        { partnerId: partners.guatemala, ...figuresOf(attendances.filter((row) => row.partners.includes(partners.guatemala))) },
      ],
    ]);
    expect(report.suppression.suppressedCells).toBe(0);

    // Filtered by programme area and by partner: the same sums over the activities they name.
    const inWomen = await json<Report>(
      await t.request("GET", `/v1/orgs/${t.org}/reports/participation?from=2027-01-01&to=2027-12-31&programmeArea=${areas.women}`),
      200,
    );
    expect(inWomen.totals).toEqual(figuresOf(attendances.filter((row) => row.areas.includes(areas.women))));
    const withGuatemala = await json<Report>(
      await t.request("GET", `/v1/orgs/${t.org}/reports/participation?from=2027-01-01&to=2027-12-31&partner=${partners.guatemala}`),
      200,
    );
    expect(withGuatemala.totals).toEqual(figuresOf(attendances.filter((row) => row.partners.includes(partners.guatemala))));
    const women = withGuatemala.byGender.find((row) => row.gender === "women");
    expect(women).toEqual({
      gender: "women",
      ...people(attendances.filter((row) => row.partners.includes(partners.guatemala) && row.person.gender === "woman")),
    });
  });

  it("withholds every count of people below the minimum, and one more where the rest would give it away", scenario, async () => {
    const t = await testApp();
    const { attendances } = await forumYear(t);
    const report = await json<Report>(await t.request("GET", `/v1/orgs/${t.org}/reports/participation?from=2027-01-01&to=2027-12-31`), 200);
    expect(report.suppression.minimumCount).toBe(3);

    const exact = (select: (row: Attendance) => boolean) => people(attendances.filter(select));
    const genders = { women: "woman", men: "man", other: "other", unknown: null } as const;
    const partitions: { shown: Figures; exact: { participants: number; attendances: number } }[][] = [
      report.byGender.map((row) => ({ shown: row, exact: exact((a) => a.person.gender === genders[row.gender as keyof typeof genders]) })),
      report.byAgeBand.map((row) => ({ shown: row, exact: exact((a) => bandOf(a) === row.band) })),
    ];
    let withheld = 0;
    for (const partition of partitions) {
      for (const field of ["participants", "attendances"] as const) {
        for (const { shown, exact } of partition) {
          if (shown[field] === null) withheld += 1;
          // Shown figures are exact; every figure of one or two is withheld.
          if (shown[field] !== null) expect(shown[field]).toBe(exact[field]);
          if (exact[field] > 0 && exact[field] < 3) expect(shown[field]).toBeNull();
        }
        // Never exactly one withheld, which the total minus the others would reveal.
        expect(partition.filter(({ shown }) => shown[field] === null).length).not.toBe(1);
      }
    }
    // "other" is one person: withheld, and so is a second gender figure.
    expect(report.byGender.find((row) => row.gender === "other")?.participants).toBeNull();
    const others = [...report.byCountry, ...report.byProgrammeArea, ...report.byPartner, report.totals];
    withheld += others.reduce((n, row) => n + (row.participants === null ? 1 : 0) + (row.attendances === null ? 1 : 0), 0);
    expect(report.suppression.suppressedCells).toBe(withheld);
    expect(report.suppression.note).toContain("withheld");
  });

  it("answers CSV for Accept: text/csv and at .csv, a withheld count as <3", scenario, async () => {
    const t = await testApp();
    await forumYear(t);
    const query = "from=2027-01-01&to=2027-12-31";
    const byAccept = await t.request("GET", `/v1/orgs/${t.org}/reports/participation?${query}`, { headers: { Accept: "text/csv" } });
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const text = await byAccept.text();
    const byPath = await t.request("GET", `/v1/orgs/${t.org}/reports/participation.csv?${query}`);
    expect(await byPath.text()).toBe(text);
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("dimension,key,label,activities,participants,attendances");
    expect(lines[1]).toBe("total,,2027-01-01 – 2027-12-31,6,12,23");
    expect(lines).toContain("gender,other,other,,<3,<3");
    expect(lines).toContain("country,GT,GT,1,8,8");
  });

  it("refuses unknown programme areas and partners, periods backwards or too long, and unknown parameters (422)", async () => {
    const t = await testApp();
    const before = await snapshot(t.database);
    const other = "0195f1e2-7a4b-7c3d-8e9f-0a1b2c3d4e5f";
    const cases: [string, string][] = [
      [`from=2027-01-01&to=2027-12-31&programmeArea=${other}`, "query.programmeArea"],
      [`from=2027-01-01&to=2027-12-31&partner=${other}`, "query.partner"],
      ["from=2027-01-01&to=2026-12-31", "query.to"],
      ["from=2020-01-01&to=2027-12-31", "query.to"],
      ["from=2027-01-01", "query.to"],
      ["from=2027-01-01&to=2027-13-01", "query.to"],
      ["from=2027-01-01&to=2027-12-31&year=2027", "query.year"],
    ];
    for (const [query, field] of cases) {
      const response = await t.request("GET", `/v1/orgs/${t.org}/reports/participation?${query}`);
      expect(response.status, query).toBe(422);
      expect((await problemOf(response)).errors?.map((e) => e.field)).toContain(field);
    }
    for (const body of [{ ageLimits: [30, 18], minimumCount: 3 }, { ageLimits: [30], minimumCount: 0 }, { ageLimits: [30] }]) {
      const response = await t.request("PUT", `/v1/orgs/${t.org}/reports/participation/settings`, { body });
      expect(response.status).toBe(422);
      await problemOf(response);
    }
    expect(await snapshot(t.database)).toBe(before);
  });

  it("cuts ages into the organisation's own bands, with an ETag on the settings", scenario, async () => {
    const t = await testApp();
    const { attendances } = await forumYear(t);
    const path = `/v1/orgs/${t.org}/reports/participation/settings`;
    const defaults = await t.request("GET", path);
    expect(defaults.headers.get("ETag")).toBe('"0"');
    expect(await defaults.json()).toEqual({ ageLimits: [30], minimumCount: 3 });
    const stale = await t.request("PUT", path, { body: { ageLimits: [18, 30, 65], minimumCount: 1 }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    const put = await t.request("PUT", path, { body: { ageLimits: [18, 30, 65], minimumCount: 1 }, headers: { "If-Match": '"0"' } });
    expect(put.status).toBe(200);
    expect(put.headers.get("ETag")).toBe('"1"');
    const report = await json<Report>(await t.request("GET", `/v1/orgs/${t.org}/reports/participation?from=2027-01-01&to=2027-12-31`), 200);
    const ageOf = (row: Attendance) => (row.person.birthYear === null ? null : row.year - row.person.birthYear);
    const inBand = (min: number | null, max: number | null) => (row: Attendance) => {
      const age = ageOf(row);
      return age !== null && (min === null || age >= min) && (max === null || age <= max);
    };
    expect(report.byAgeBand).toEqual([
      { band: "under 18", minAge: null, maxAge: 17, ...people(attendances.filter(inBand(null, 17))) },
      { band: "18–29", minAge: 18, maxAge: 29, ...people(attendances.filter(inBand(18, 29))) },
      { band: "30–64", minAge: 30, maxAge: 64, ...people(attendances.filter(inBand(30, 64))) },
      { band: "65 and over", minAge: 65, maxAge: null, ...people(attendances.filter(inBand(65, null))) },
      { band: "unknown", minAge: null, maxAge: null, ...people(attendances.filter((row) => ageOf(row) === null)) },
    ]);
  });
});

describe("attendance per session in the participation report", () => {
  it("counts each session a person attended on a course registered for as a whole, and their registration only without such records", async () => {
    const t = await testApp();
    const sessions = [
      { startsAt: "2027-09-08T16:00:00.000Z", endsAt: "2027-09-08T19:00:00.000Z" },
      { startsAt: "2027-10-16T08:00:00.000Z", endsAt: "2027-10-16T15:00:00.000Z" },
      { startsAt: "2028-01-12T17:00:00.000Z", endsAt: "2028-01-12T20:00:00.000Z" },
    ];
    const course = await json<{ id: string }>(
      await t.request("POST", `/v1/orgs/${t.org}/events`, {
        body: {
          title: "Organising course",
          kind: "training",
          timeZone: "Europe/Stockholm",
          visibility: "public",
          sessions,
          registration: { mode: "open", requiresActiveMembership: false },
        },
      }),
      201,
    );
    const [perSession, wholeCourse, third] = [await createMember(t), await createMember(t), await createMember(t)];
    const registrations = await register(t, course.id, [perSession, wholeCourse, third]);
    t.clock.set("2028-02-01T10:00:00.000Z");
    const attend = async (session: number, memberId: string, attended: boolean) =>
      json(
        await t.request("POST", `/v1/orgs/${t.org}/events/${course.id}/sessions/${sessions[session]?.startsAt}/attendance`, {
          body: { memberId, attended },
        }),
        200,
      );
    // Present at the first two sessions, absent from the third (in 2028); the registration is marked attended too.
    await attend(0, perSession, true);
    await attend(1, perSession, true);
    await attend(2, perSession, false);
    await attend(0, third, true);
    await attend(1, third, true);
    await record(t, course.id, registrations.slice(0, 2));
    await json(
      await t.request("PUT", `/v1/orgs/${t.org}/reports/participation/settings`, { body: { ageLimits: [30], minimumCount: 1 } }),
      200,
    );
    const report = async (from: string, to: string) =>
      (await json<Report>(await t.request("GET", `/v1/orgs/${t.org}/reports/participation?from=${from}&to=${to}`), 200)).totals;

    // 2027: two sessions each for two people, and the course counted once for the one without records.
    expect(await report("2027-01-01", "2027-12-31")).toEqual({ activities: 1, participants: 3, attendances: 5 });
    // 2028: nobody attended the third session.
    expect(await report("2028-01-01", "2028-12-31")).toEqual({ activities: 0, participants: 0, attendances: 0 });
  });
});
