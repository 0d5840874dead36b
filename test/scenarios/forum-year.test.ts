/**
 * The solidarity forum's year 2027, told through the HTTP API as its staff would live it:
 * three programme areas, five partner organisations in Guatemala, Bolivia and Sweden whose
 * contact persons are contacts (not members), a politician school in Guatemala, a ten-week
 * exchange in Bolivia, a course with irregular sessions, a public lecture whose guests sign
 * up with double opt-in, a newsletter to the confirmed subscribers; and at the year's end the
 * figures for the funders, which the test works out itself from what it made.
 */
import { describe, expect, it } from "vitest";
import { keyWithRole } from "../events/helpers.ts";
import { json } from "../helpers/app.ts";
import { tick } from "../mailings/helpers.ts";
import { confirmationLink, type SignupApp, signUp, signupApp } from "../signups/helpers.ts";

type Gender = "woman" | "man" | "other" | null;

/** A person as the test knows them, for working out the figures. */
interface Person {
  id: string;
  email: string;
  gender: Gender;
  birthYear: number | null;
}

/** One person's recorded attendance at one activity, with what the report groups it by. */
interface Attendance {
  activity: string;
  person: Person;
  country: string | null;
  areas: string[];
  partners: string[];
}

interface Figures {
  activities?: number;
  participants: number | null;
  attendances: number | null;
}

interface Report {
  from: string;
  to: string;
  programmeAreaId: string | null;
  partnerId: string | null;
  totals: Figures;
  byGender: (Figures & { gender: string })[];
  byAgeBand: (Figures & { band: string; minAge: number | null; maxAge: number | null })[];
  byCountry: (Figures & { country: string | null })[];
  byProgrammeArea: (Figures & { programmeAreaId: string; name: string })[];
  byPartner: (Figures & { partnerId: string; name: string })[];
  suppression: { minimumCount: number; suppressedCells: number };
}

/** The year everything happens in; ages are counted in it. */
const year = 2027;
const period = "from=2027-01-01&to=2027-12-31";

/** A year of the forum is some two hundred requests: more than a test usually sends. */
const scenario = { timeout: 30_000 };

/** The small helpers the story speaks through: every one an API call. */
function forum(t: SignupApp) {
  const base = `/v1/orgs/${t.org}`;
  const post = async (path: string, body: unknown, key?: string) =>
    (await json<{ id: string }>(await t.request("POST", `${base}${path}`, { body, key }), 201)).id;
  return {
    base,
    area: (name: string) => post("/programme-areas", { name, startsOn: "2026-01-01", endsOn: "2028-12-31" }),
    partner: (body: Record<string, unknown>) => post("/partners", body),
    /** A contact (never a member), with the statistics fields set at creation. */
    async contact(name: string, email: string, gender: Gender, birthYear: number | null): Promise<Person> {
      const id = await post("/contacts", { name, email, gender, birthYear });
      return { id, email, gender, birthYear };
    },
    /** A member, whose statistics fields are set afterwards through the contacts API, as for anyone. */
    async member(name: string, email: string, gender: Gender, birthYear: number | null): Promise<Person> {
      const id = await post("/members", { name, email, postalCode: "11455" });
      await json(await t.request("PATCH", `${base}/contacts/${id}`, { body: { gender, birthYear } }), 200);
      return { id, email, gender, birthYear };
    },
    async contactPersonOf(partnerId: string, people: Person[]) {
      for (const person of people) await json(await t.request("PUT", `${base}/partners/${partnerId}/contacts/${person.id}`), 200);
    },
    event: (body: Record<string, unknown>) =>
      post("/events", { timeZone: "Europe/Stockholm", visibility: "public", registration: { mode: "open" }, ...body }),
    /** Staff register each person; returns their registration ids. */
    async register(eventId: string, people: Person[], key: string) {
      const ids: string[] = [];
      for (const person of people) ids.push(await post(`/events/${eventId}/registrations`, { memberId: person.id }, key));
      return ids;
    },
    /** After the event: each registration's outcome. */
    async record(eventId: string, registrationIds: string[], status: "attended" | "no_show" = "attended") {
      for (const id of registrationIds)
        await json(await t.request("PATCH", `${base}/events/${eventId}/registrations/${id}`, { body: { status } }), 200);
    },
    async attendSession(eventId: string, sessionStart: string, person: Person, attended: boolean) {
      const path = `${base}/events/${eventId}/sessions/${sessionStart}/attendance`;
      await json(await t.request("POST", path, { body: { memberId: person.id, attended } }), 200);
    },
    /** The people with an address, as staff find them in the contacts list (empty when there is none). */
    async peopleWith(email: string) {
      const page = await json<{ data: { id: string; isMember: boolean; source: string }[] }>(
        await t.request("GET", `${base}/contacts?q=${encodeURIComponent(email)}`),
        200,
      );
      return page.data;
    },
    report: async (query: string) => json<Report>(await t.request("GET", `${base}/reports/participation?${query}`), 200),
  };
}

/** A guest signs up (no key) and, unless told not to, follows the mailed link. */
async function signUpAs(t: SignupApp, email: string, body: Record<string, unknown>, confirm = true) {
  await json(await signUp(t, { email, ...body }), 202);
  if (!confirm) return;
  const { token } = await confirmationLink(t, email);
  await json(await t.anonymous("POST", `/v1/orgs/${t.org}/signups/confirm`, { token }), 200);
}

// The figures as the test works them out, by the rules the README gives.

function figuresOf(rows: Attendance[]) {
  return {
    activities: new Set(rows.map((row) => row.activity)).size,
    participants: new Set(rows.map((row) => row.person.id)).size,
    attendances: rows.length,
  };
}
const peopleOf = (rows: Attendance[]) => {
  const { participants, attendances } = figuresOf(rows);
  return { participants, attendances };
};

/** A count of people below the minimum (but not none) is withheld. */
const minimum = 3;
const withhold = (n: number) => (n > 0 && n < minimum ? null : n);
function shown<T extends { participants: number; attendances: number }>(cell: T) {
  return { ...cell, participants: withhold(cell.participants), attendances: withhold(cell.attendances) };
}

/**
 * A breakdown whose cells add up to the total: where exactly one cell is withheld, the
 * total minus the others would give it away, so the smallest other count is withheld too.
 */
function protect<T extends Figures>(cells: T[], exact: { participants: number; attendances: number }[]) {
  for (const field of ["participants", "attendances"] as const) {
    if (cells.filter((cell) => cell[field] === null).length !== 1) continue;
    const candidates = cells
      .map((cell, index) => ({ cell, n: exact[index]?.[field] ?? 0 }))
      .filter(({ cell, n }) => cell[field] !== null && n > 0);
    const smallest = candidates.reduce((a, b) => (b.n < a.n ? b : a));
    smallest.cell[field] = null;
  }
  return cells;
}

const ageBand = (person: Person) => (person.birthYear === null ? "unknown" : year - person.birthYear < 30 ? "under 30" : "30 and over");

/** The whole report the test expects from these attendances, with the organisation's default bands and minimum. */
function expectedReport(rows: Attendance[], names: Map<string, string>) {
  const genders = [
    ["women", "woman"],
    ["men", "man"],
    ["other", "other"],
    ["unknown", null],
  ] as const;
  const genderExact = genders.map(([, stored]) => peopleOf(rows.filter((row) => row.person.gender === stored)));
  const bands = [
    ["under 30", null, 29],
    ["30 and over", 30, null],
    ["unknown", null, null],
  ] as const;
  const bandExact = bands.map(([band]) => peopleOf(rows.filter((row) => ageBand(row.person) === band)));
  const countries = [...new Set(rows.map((row) => row.country))].sort((a, b) => (a ?? "").localeCompare(b ?? ""));
  const countryExact = countries.map((country) => figuresOf(rows.filter((row) => row.country === country)));
  const byName = (ids: string[]) => [...new Set(ids)].sort((a, b) => (names.get(a) ?? "").localeCompare(names.get(b) ?? ""));
  return {
    totals: shown(figuresOf(rows)),
    byGender: protect(
      genders.map(([gender], index) => ({ gender, ...shown(genderExact[index] as { participants: number; attendances: number }) })),
      genderExact,
    ),
    byAgeBand: protect(
      bands.map(([band, minAge, maxAge], index) => ({
        band,
        minAge,
        maxAge,
        ...shown(bandExact[index] as { participants: number; attendances: number }),
      })),
      bandExact,
    ),
    byCountry: protect(
      countries.map((country, index) => ({ country, ...shown(countryExact[index] as ReturnType<typeof figuresOf>) })),
      countryExact,
    ),
    byProgrammeArea: byName(rows.flatMap((row) => row.areas)).map((id) => ({
      programmeAreaId: id,
      name: names.get(id),
      ...shown(figuresOf(rows.filter((row) => row.areas.includes(id)))),
    })),
    byPartner: byName(rows.flatMap((row) => row.partners)).map((id) => ({
      partnerId: id,
      name: names.get(id),
      ...shown(figuresOf(rows.filter((row) => row.partners.includes(id)))),
    })),
  };
}

/** How many counts of people a report withholds. */
function withheldIn(report: Omit<Report, "suppression">) {
  const cells = [
    report.totals,
    ...report.byGender,
    ...report.byAgeBand,
    ...report.byCountry,
    ...report.byProgrammeArea,
    ...report.byPartner,
  ];
  return cells.reduce((n, cell) => n + (cell.participants === null ? 1 : 0) + (cell.attendances === null ? 1 : 0), 0);
}

describe("the solidarity forum's year", () => {
  it(
    "runs programmes with partners, contacts and guests, mails its subscribers, and reports figures the test can work out",
    scenario,
    async () => {
      const t = await signupApp();
      const f = forum(t);
      const staff = await keyWithRole(t, "staff");

      // 1. The programme areas of the forum's strategy.
      const democracy = await f.area("Extended democracy");
      const inclusion = await f.area("Participation of women, youth and marginalised groups");
      const capacity = await f.area("Capacity building");

      // 2. Five partners in three countries, each with its programme areas.
      const winaq = await f.partner({ name: "Movimiento Político Winaq", kind: "party", country: "GT", programmeAreaIds: [democracy] });
      const mayas = await f.partner({
        name: "Asociación de Mujeres Mayas",
        kind: "movement",
        country: "GT",
        programmeAreaIds: [inclusion],
      });
      const tierra = await f.partner({ name: "Fundación Tierra", kind: "ngo", country: "BO", programmeAreaIds: [capacity] });
      const jovenes = await f.partner({
        name: "Red de Jóvenes Bolivianos",
        kind: "network",
        country: "BO",
        programmeAreaIds: [inclusion, capacity],
      });
      const forumSyd = await f.partner({
        name: "Forum Syd",
        kind: "funder",
        country: "SE",
        relations: [{ kind: "funder", from: "2026-01-01", to: "2028-12-31" }],
      });
      const names = new Map([
        [democracy, "Extended democracy"],
        [inclusion, "Participation of women, youth and marginalised groups"],
        [capacity, "Capacity building"],
        [winaq, "Movimiento Político Winaq"],
        [mayas, "Asociación de Mujeres Mayas"],
        [tierra, "Fundación Tierra"],
        [jovenes, "Red de Jóvenes Bolivianos"],
        [forumSyd, "Forum Syd"],
      ]);

      // 3. The partners' activists: contacts, not members, with gender and birth year for the figures.
      const gt = [
        await f.contact("Ixchel Tzoc", "ixchel@winaq.example", "woman", 1998),
        await f.contact("Rosa Cumes", "rosa@mayas.example", "woman", 2001),
        await f.contact("Juana Batz", "juana@mayas.example", "woman", 1985),
        await f.contact("Carlos Ajpop", "carlos@winaq.example", "man", 1990),
        await f.contact("Diego Sic", "diego@winaq.example", "man", 2003),
        await f.contact("Alex Xoy", "alex@mayas.example", "other", 1999),
        await f.contact("Marta Chen", "marta@mayas.example", "woman", null),
      ];
      const [ixchel, rosa, juana, carlos, diego, alex, marta] = gt as [Person, Person, Person, Person, Person, Person, Person];
      const bo = [
        await f.contact("Lucía Mamani", "lucia@jovenes.example", "woman", 2000),
        await f.contact("Evo Quispe", "evo@tierra.example", "man", 1978),
        await f.contact("Ana Condori", "ana@jovenes.example", "woman", 2004),
      ];
      const [lucia, evo, ana] = bo as [Person, Person, Person];
      const sven = await f.contact("Sven Berg", "sven@forumsyd.example", "man", 1970);
      await f.contactPersonOf(winaq, [ixchel, carlos, diego]);
      await f.contactPersonOf(mayas, [rosa, juana, alex, marta]);
      await f.contactPersonOf(tierra, [evo]);
      await f.contactPersonOf(jovenes, [lucia, ana]);
      await f.contactPersonOf(forumSyd, [sven]);
      const contactPersons = await json<{ data: { id: string; enrolled: boolean }[] }>(
        await t.request("GET", `${f.base}/partners/${mayas}/contacts`),
        200,
      );
      expect(contactPersons.data.map((p) => [p.id, p.enrolled]).sort()).toEqual(
        [rosa, juana, alex, marta].map((p) => [p.id, false]).sort(),
      );
      for (const person of [...gt, ...bo, sven]) {
        expect(await f.peopleWith(person.email)).toEqual([expect.objectContaining({ id: person.id, isMember: false, source: "staff" })]);
      }

      // The forum's own members who take part in the year.
      const karin = await f.member("Karin Lund", "karin@forum.example", "woman", 1995);
      const olof = await f.member("Olof Ek", "olof@forum.example", "man", 1960);
      const sara = await f.member("Sara Nord", "sara@forum.example", "woman", 2002);
      const kim = await f.member("Kim Ås", "kim@forum.example", null, 1988);

      // 4. A politician school in Guatemala, with two partners, its participants registered by staff.
      const school = await f.event({
        title: "Politician school",
        kind: "politician_school",
        startsAt: "2027-02-15T14:00:00.000Z",
        endsAt: "2027-02-26T22:00:00.000Z",
        timeZone: "America/Guatemala",
        country: "GT",
        programmeAreaIds: [democracy, inclusion],
        partnerIds: [winaq, mayas],
      });
      const schoolRegistrations = await f.register(school, gt, staff);

      // 5. A ten-week exchange in Bolivia, as dates: 1 March to 9 May.
      const exchange = await f.event({
        title: "Youth exchange",
        kind: "exchange",
        startsOn: "2027-03-01",
        endsOn: "2027-05-09",
        timeZone: "America/La_Paz",
        country: "BO",
        programmeAreaIds: [capacity, inclusion],
        partnerIds: [tierra, jovenes],
      });
      const exchangeEvent = await json<{ allDay: boolean; startsAt: string; endsAt: string }>(
        await t.request("GET", `${f.base}/events/${exchange}`),
        200,
      );
      expect(exchangeEvent.allDay).toBe(true);
      expect(Date.parse(exchangeEvent.endsAt) - Date.parse(exchangeEvent.startsAt)).toBe(10 * 7 * 24 * 3600 * 1000);
      const exchangeRegistrations = await f.register(exchange, [karin, sara, lucia, evo, ana], staff);

      // 6. A course at home with irregular sessions under one registration.
      const sessions = [
        { startsAt: "2027-09-08T16:00:00.000Z", endsAt: "2027-09-08T19:00:00.000Z" },
        { startsAt: "2027-09-22T16:00:00.000Z", endsAt: "2027-09-22T19:00:00.000Z" },
        { startsAt: "2027-10-16T08:00:00.000Z", endsAt: "2027-10-16T15:00:00.000Z" },
        { startsAt: "2027-11-10T17:00:00.000Z", endsAt: "2027-11-10T20:00:00.000Z" },
      ];
      const course = await f.event({
        title: "Organising course",
        kind: "training",
        sessions,
        programmeAreaIds: [capacity],
        partnerIds: [forumSyd],
        registration: { mode: "open", requiresActiveMembership: false },
      });
      await f.register(course, [karin, olof, sara, kim], staff);
      // Who came to which session.
      const present: [number, Person, boolean][] = [
        [0, karin, true],
        [0, olof, true],
        [0, sara, true],
        [0, kim, true],
        [1, karin, true],
        [1, olof, true],
        [1, sara, false],
        [2, karin, true],
        [2, sara, true],
        [2, kim, true],
        [3, olof, true],
        [3, karin, false],
      ];

      // 7. A public lecture: guests sign up themselves, with double opt-in; one never confirms.
      const lecture = await f.event({
        title: "Democracy under pressure in Guatemala",
        kind: "lecture",
        startsAt: "2027-05-20T16:00:00.000Z",
        endsAt: "2027-05-20T18:00:00.000Z",
        programmeAreaIds: [inclusion],
        partnerIds: [mayas],
      });
      const guestEmails = ["guest1@example.org", "guest2@example.org", "guest3@example.org", "guest4@example.org"];
      for (const [index, email] of guestEmails.entries()) {
        await signUpAs(t, email, { purpose: "event", eventId: lecture, consents: { newsletters: index < 2 } });
      }
      await signUpAs(t, "unconfirmed@example.org", { purpose: "event", eventId: lecture, consents: { newsletters: true } }, false);
      const guests: Person[] = [];
      for (const email of guestEmails) {
        const [found] = await f.peopleWith(email);
        expect(found).toMatchObject({ isMember: false, source: "signup" });
        guests.push({ id: String(found?.id), email, gender: null, birthYear: null });
      }
      expect(await f.peopleWith("unconfirmed@example.org")).toEqual([]);
      const [olofAtLecture] = await f.register(lecture, [olof], staff);
      const lectureList = await json<{ data: { id: string; member: { id: string }; status: string }[] }>(
        await t.request("GET", `${f.base}/events/${lecture}/registrations`),
        200,
      );
      expect(lectureList.data.map((r) => [r.member.id, r.status]).sort()).toEqual([...guests, olof].map((p) => [p.id, "accepted"]).sort());

      // 8. Newsletter sign-ups, confirmed, and the December newsletter to every subscriber.
      await signUpAs(t, "reader1@example.org", { purpose: "newsletter" });
      await signUpAs(t, "reader2@example.org", { purpose: "newsletter" });
      t.clock.set("2026-12-01T09:00:00.000Z");
      const mailing = (
        await json<{ id: string }>(
          await t.request("POST", `${f.base}/mailings`, {
            body: {
              subject: "News from the forum",
              text: "Hello {{member.name}}, this is the year ahead.",
              category: "newsletters",
              audience: { type: "subscribers" },
              sendAt: "2026-12-01T09:00:00Z",
            },
          }),
          201,
        )
      ).id;
      await tick(t, "2026-12-01T09:00:00Z");
      const sent = await json<{ data: { to: string }[] }>(await t.request("GET", `${f.base}/outbox?mailingId=${mailing}`), 200);
      // The confirmed: both readers and the guests who asked for news; not the unconfirmed, not the partners' contacts, not members who did not ask.
      expect(sent.data.map((mail) => mail.to).sort()).toEqual(
        ["reader1@example.org", "reader2@example.org", "guest1@example.org", "guest2@example.org"].sort(),
      );

      // 9. The year happens: attendance is recorded afterwards.
      t.clock.set("2028-01-10T09:00:00.000Z");
      await f.record(school, schoolRegistrations.slice(0, 6));
      await f.record(school, schoolRegistrations.slice(6), "no_show"); // Marta could not come.
      await f.record(exchange, exchangeRegistrations);
      for (const [index, person, attended] of present)
        await f.attendSession(course, (sessions[index] as { startsAt: string }).startsAt, person, attended);
      const guestRegistrations = lectureList.data.filter((r) => r.member.id !== olof.id).map((r) => r.id);
      await f.record(lecture, [...guestRegistrations, olofAtLecture as string]);

      // What the test knows happened, one row per person and activity attended.
      const at = (activity: string, people: Person[], where: Omit<Attendance, "activity" | "person">) =>
        people.map((person) => ({ activity, person, ...where }));
      const attendances: Attendance[] = [
        ...at(school, [ixchel, rosa, juana, carlos, diego, alex], {
          country: "GT",
          areas: [democracy, inclusion],
          partners: [winaq, mayas],
        }),
        ...at(exchange, [karin, sara, lucia, evo, ana], { country: "BO", areas: [capacity, inclusion], partners: [tierra, jovenes] }),
        ...present
          .filter(([, , attended]) => attended)
          .flatMap(([, person]) => at(course, [person], { country: null, areas: [capacity], partners: [forumSyd] })),
        ...at(lecture, [...guests, olof], { country: null, areas: [inclusion], partners: [mayas] }),
      ];

      // 10. The participation report for the year, as JSON: every figure as worked out here.
      const expectFigures = (report: Report, rows: Attendance[], filter: { programmeArea?: string; partner?: string } = {}) => {
        const { suppression, ...figures } = report;
        expect(figures).toEqual({
          from: "2027-01-01",
          to: "2027-12-31",
          programmeAreaId: filter.programmeArea ?? null,
          partnerId: filter.partner ?? null,
          ...expectedReport(rows, names),
        });
        expect(suppression).toMatchObject({ minimumCount: minimum, suppressedCells: withheldIn(figures) });
      };
      const report = await f.report(period);
      expectFigures(report, attendances);
      expect(report.totals).toEqual({ activities: 4, participants: 17, attendances: 26 });
      // Alex is the only person of gender "other": withheld, and with them the smallest other gender count.
      expect(report.byGender.find((row) => row.gender === "other")).toEqual({ gender: "other", participants: null, attendances: null });
      expect(report.suppression.suppressedCells).toBe(4);

      // One programme area, and one partner.
      expectFigures(
        await f.report(`${period}&programmeArea=${capacity}`),
        attendances.filter((row) => row.areas.includes(capacity)),
        { programmeArea: capacity },
      );
      expectFigures(
        await f.report(`${period}&partner=${mayas}`),
        attendances.filter((row) => row.partners.includes(mayas)),
        { partner: mayas },
      );

      // The same year as CSV for the funder's template.
      const csv = await t.request("GET", `${f.base}/reports/participation.csv?${period}`);
      expect(csv.status).toBe(200);
      const lines = (await csv.text()).trimEnd().split("\r\n");
      const expected = expectedReport(attendances, names);
      const women = expected.byGender[0] as Figures;
      const capacityRow = expected.byProgrammeArea.find((row) => row.programmeAreaId === capacity) as Figures;
      expect(lines).toEqual(
        expect.arrayContaining([
          "dimension,key,label,activities,participants,attendances",
          "total,,2027-01-01 – 2027-12-31,4,17,26",
          `gender,women,women,,${women.participants},${women.attendances}`,
          "gender,other,other,,<3,<3",
          `country,BO,BO,1,5,5`,
          `programme_area,${capacity},Capacity building,${capacityRow.activities},${capacityRow.participants},${capacityRow.attendances}`,
        ]),
      );

      // 11. The partner report: per partner, the activities done together in the year.
      const partners = await json<{ partners: { partnerId: string; events: { eventId: string; country: string | null }[] }[] }>(
        await t.request("GET", `${f.base}/reports/partners?${period}`),
        200,
      );
      const together: Record<string, string[]> = {
        [winaq]: [school],
        [mayas]: [school, lecture],
        [tierra]: [exchange],
        [jovenes]: [exchange],
        [forumSyd]: [course],
      };
      const byName = Object.keys(together).sort((a, b) => (names.get(a) ?? "").localeCompare(names.get(b) ?? ""));
      expect(partners.partners.map((p) => [p.partnerId, p.events.map((e) => e.eventId)])).toEqual(byName.map((id) => [id, together[id]]));
    },
  );
});
