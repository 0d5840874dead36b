import { and, eq, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { schema } from "../db/index.ts";
import { runLongBatch } from "../db/sql.ts";
import { dayInWords, localInstant } from "../i18n/dates.ts";
import { intlLocaleFor, type Language, languageFor, languages, translate } from "../i18n/index.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { iso, localDay } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { type FrontendUrls, parseFrontendUrls, resourceLink } from "../orgs/frontend-urls.ts";
import { type Audience, audienceSql, suppressionReasonSql } from "./audience.ts";
import { type Automation, type AutomationKind, automationOf } from "./automation-templates.ts";
import { nextRun } from "./cron-expressions.ts";
import { lateLimitMs } from "./dispatch.ts";
import { type ComingEvent, comingCampaigns, comingEvents, type EventMailKind } from "./events.ts";
import { agendaElections, agendaText } from "./meeting-agenda.ts";
import { emptyMonthFigures, figuresText, monthFiguresByGroup, openActions, pastMonth, raisedText } from "./monthly-figures.ts";
import { monthlyRecipientsOf } from "./monthly-recipients.ts";
import { audiencesWhoMaySee, eventsSeenBy, sharesOf } from "./sight.ts";

/** The planners: they turn the enabled automations into queued mailings for the members and events they concern. */
type MailingRow = typeof schema.mailings.$inferSelect;

function formatLocal(instant: string, timeZone: string, options: Intl.DateTimeFormatOptions, locale: string) {
  return new Intl.DateTimeFormat(locale, { timeZone, ...options }).format(new Date(instant));
}

/** Variables of one language: an automatic mailing keeps a set per language, dates written as its readers say them. */
type LocalVariables = (language: Language, locale: string) => Record<string, string>;

function eventVariables(event: ComingEvent, org: PlanOrg): LocalVariables {
  const url = resourceLink(org, "event", event.id, event.originalStart);
  return (_language, locale) => {
    const when = localInstant(event.startsAt, event.timeZone, locale);
    return {
      "event.title": event.title,
      "event.date": when.date,
      "event.time": when.time,
      "event.dateTime": when.dateTime,
      "event.startsAt": event.startsAt,
      "event.location": event.location ?? "",
      "event.timeZone": event.timeZone,
      "event.url": url,
    };
  };
}

interface PlanOrg {
  id: string;
  slug: string;
  timeZone: string;
  locale: string;
  frontendUrls: FrontendUrls;
}

interface PlanContext {
  db: Db;
  org: PlanOrg;
  automation: Automation;
  runAt: Date;
  now: Date;
}

/** The mailing row an automation makes: its template, addressed as `fields` say, sent at the run's time. */
function automaticMailingRow(
  ctx: PlanContext,
  fields: {
    id: string;
    sourceKey: string;
    audienceType: MailingRow["audienceType"];
    audienceRef?: string | null;
    variables: Record<string, string> | LocalVariables;
  },
) {
  const { automation, org, now } = ctx;
  // The organisation's language is the mailing as written; every other language is a variant
  // with its own template and variables, so each recipient reads their own at send time.
  const main = languageFor(null, org.locale);
  const { variables } = fields;
  const of = (language: Language) =>
    typeof variables === "function" ? variables(language, intlLocaleFor(language, org.locale)) : variables;
  const variants = Object.fromEntries(
    languages
      .filter((language) => language !== main)
      .map((language) => {
        const { subject, text, html } = automation.templates[language];
        return [language, { subject, text, html, variables: of(language) }];
      }),
  );
  return {
    id: fields.id,
    orgId: org.id,
    kind: automation.kind,
    sourceKey: fields.sourceKey,
    subject: automation.templates[main].subject,
    text: automation.templates[main].text,
    html: automation.templates[main].html,
    category: automation.category,
    audienceType: fields.audienceType,
    audienceRef: fields.audienceRef ?? null,
    variables: JSON.stringify(of(main)),
    variants: JSON.stringify(variants),
    sendAt: iso(ctx.runAt),
    status: "scheduled" as const,
    createdBy: "automation" as const,
    createdAt: iso(now),
    updatedAt: iso(now),
  };
}

/** A scheduled automatic mailing, made once per source key; the tick that follows sends it. */
function queueMailing(
  ctx: PlanContext,
  fields: {
    sourceKey: string;
    audienceType: MailingRow["audienceType"];
    audienceRef?: string | null;
    variables: Record<string, string> | LocalVariables;
  },
) {
  return ctx.db
    .insert(schema.mailings)
    .values(automaticMailingRow(ctx, { id: newId(ctx.now), ...fields }))
    .onConflictDoNothing()
    .returning({ id: schema.mailings.id });
}

/** An event's variables; a member meeting's notice also lists the elections on its agenda. */
async function noticeVariables(ctx: PlanContext, event: ComingEvent): Promise<LocalVariables> {
  const local = eventVariables(event, ctx.org);
  if (ctx.automation.kind !== "member_meeting_notice") return local;
  const agenda = await agendaElections(ctx.db, event);
  return (language, locale) => ({ ...local(language, locale), elections: agendaText(agenda, language) });
}

/** Who each kind of event mailing is for; narrowed afterwards to those who may see the event. */
const eventKinds: Partial<Record<AutomationKind, { events: EventMailKind; audience: (e: ComingEvent) => Audience | null }>> = {
  meeting_summons: { events: "group_meeting", audience: (e) => (e.groupId ? { type: "group", ref: e.groupId } : null) },
  member_meeting_notice: { events: "member_meeting", audience: () => ({ type: "all_members", ref: null }) },
  event_reminder: {
    events: "any_registered",
    audience: (e) => ({ type: "event_registrants", ref: e.recurring ? `${e.id}@${e.originalStart}` : e.id }),
  },
};

async function planEvents(ctx: PlanContext): Promise<number> {
  const spec = eventKinds[ctx.automation.kind];
  if (!spec) return 0;
  // Everything starting within the lead time that has not been mailed about yet: a run
  // that was missed, or an event added late, is still covered by the next run.
  const events = await comingEvents(ctx.db, {
    orgId: ctx.org.id,
    kind: spec.events,
    from: ctx.now,
    to: new Date(ctx.now.getTime() + ctx.automation.leadDays * 86_400_000),
  });
  const audiences = await audiencesWhoMaySee(ctx.db, events, events.map(spec.audience));
  let queued = 0;
  for (const [i, event] of events.entries()) {
    const audience = audiences[i];
    if (!audience) continue;
    const rows = await queueMailing(ctx, {
      sourceKey: `${ctx.automation.kind}:${event.id}:${event.startsAt}`,
      audienceType: audience.type,
      audienceRef: audience.ref,
      variables: await noticeVariables(ctx, event),
    });
    queued += rows.length;
  }
  return queued;
}

/**
 * Training announcements: a training is announced once, whatever its number of sessions
 * (the first coming session is the one named), and only to those who may apply: members
 * who may see it (its group's members for a training only its group may see), not yet
 * registered, and only when it takes registrations at all. Each member is remembered per
 * training (mailing_triggers), so a later run, or a session moved, announces it to nobody twice.
 */
async function planTrainings(ctx: PlanContext): Promise<number> {
  const { db, org, now } = ctx;
  const sessions = await comingEvents(db, {
    orgId: org.id,
    kind: "training",
    from: now,
    to: new Date(now.getTime() + ctx.automation.leadDays * 86_400_000),
  });
  const firstSessions = new Map<string, ComingEvent>();
  for (const session of sessions) if (!firstSessions.has(session.id)) firstSessions.set(session.id, session);
  const trainings = [...firstSessions.values()].filter((e) => e.registrationMode !== "none");
  const audiences = await audiencesWhoMaySee(
    db,
    trainings,
    trainings.map(() => ({ type: "all_members", ref: null })),
  );
  const m = schema.members;
  const reg = schema.eventRegistrations;
  const day = localDay(now, org.timeZone);
  let queued = 0;
  for (const [i, training] of trainings.entries()) {
    const audience = audiences[i];
    if (!audience) continue;
    const { where, group } = audienceSql(org.id, audience, day);
    queued += await queueAutomaticMailing(ctx, {
      sourceKey: `training_announcement:${training.id}`,
      variables: eventVariables(training, org),
      group,
      triggers: (id) => sql`SELECT ${org.id}, ${`training:${training.id}:`} || ${m.id}, ${id}, ${m.id}, ${iso(now)}
        FROM ${m} WHERE ${where}
          AND NOT EXISTS (SELECT 1 FROM ${reg} WHERE ${reg.eventId} = ${training.id} AND ${reg.memberId} = ${m.id}
            AND ${reg.status} IN ('applied', 'accepted', 'waitlisted', 'attended'))`,
    });
  }
  return queued;
}

/**
 * The monthly group mailing: every active group gets its own, to its conveners (or, as the
 * automation says, all its members), one message per group and recipient. Its list of coming
 * activities holds what each recipient may see, so recipients of one group who see different
 * events get different mailings. Each (group, recipient) is remembered per run
 * (mailing_triggers): none gets a group's month twice. Groups nobody could be mailed for are
 * written to the run's report (mailing_unreached_groups).
 */
async function planMonthly(ctx: PlanContext): Promise<number> {
  const { db, org, automation } = ctx;
  const to = new Date(ctx.runAt.getTime() + automation.leadDays * 86_400_000);
  const day = localDay(ctx.now, org.timeZone);
  const runDay = localDay(ctx.runAt, org.timeZone);
  const past = pastMonth(runDay);
  const [campaigns, events, { reached, unreached }, figures, actions] = await Promise.all([
    comingCampaigns(db, org.id, runDay, localDay(to, org.timeZone)),
    comingEvents(db, { orgId: org.id, kind: "any", from: ctx.runAt, to, limit: 1000 }),
    monthlyRecipientsOf(db, { orgId: org.id, day, category: automation.category, recipients: automation.recipients }),
    monthFiguresByGroup(db, { orgId: org.id, ...past }),
    openActions(db, { orgId: org.id, day: runDay }),
  ]);
  const list = (language: Language, lines: string[]) => (lines.length > 0 ? lines.join("\n") : translate(language, "monthly.none"));
  const common = (language: Language, locale: string) => ({
    month: formatLocal(iso(ctx.runAt), org.timeZone, { month: "long", year: "numeric" }, locale),
    // Noon UTC names the same month in every time zone.
    lastMonth: formatLocal(`${past.from}T12:00:00.000Z`, "UTC", { month: "long", year: "numeric" }, locale),
    instructions: automation.instructions ?? "",
    campaigns: list(
      language,
      campaigns.map((c) =>
        translate(language, "monthly.campaign", { title: c.title, from: dayInWords(c.startsOn, locale), to: dayInWords(c.endsOn, locale) }),
      ),
    ),
    actions: list(
      language,
      actions.map((a) =>
        translate(language, "monthly.action", {
          title: a.title,
          campaign: a.campaign,
          target: a.target,
          endsOn: dayInWords(a.endsOn, locale),
        }),
      ),
    ),
  });
  const run = `monthly_group:${iso(ctx.runAt)}`;
  const seen = await eventsSeenBy(db, { orgId: org.id, memberIds: [...new Set(reached.flatMap((g) => g.memberIds))], events });
  let queued = 0;
  for (const group of reached) {
    const own = figures.get(group.groupId) ?? emptyMonthFigures();
    for (const share of sharesOf(group.memberIds, seen)) {
      const listed = share.events.map((e) => `${e.id}@${e.originalStart}`).join(",");
      queued += await queueToMembers(ctx, {
        sourceKey: `${run}:${group.groupId}:${(await sha256Hex(listed)).slice(0, 16)}`,
        triggerPrefix: `${run}:${group.groupId}:`,
        memberIds: share.memberIds,
        group: sql`${group.groupId}`,
        variables: (language, locale) => ({
          ...common(language, locale),
          "group.name": group.groupName,
          figures: figuresText(own, language),
          "figures.letters": String(own.letters),
          "figures.signatures": String(own.signatures),
          "figures.raised": raisedText(own),
          "figures.recruited": String(own.recruited),
          events: list(
            language,
            share.events.map((e) =>
              translate(language, "monthly.event", {
                when: formatLocal(e.startsAt, e.timeZone, { dateStyle: "medium", timeStyle: "short" }, locale),
                title: e.title,
              }),
            ),
          ),
        }),
      });
    }
  }
  if (unreached.length > 0) {
    await db
      .insert(schema.mailingUnreachedGroups)
      .values(
        unreached.map((u) => ({
          orgId: org.id,
          kind: "monthly_group" as const,
          runAt: iso(ctx.runAt),
          groupId: u.groupId,
          reason: u.reason,
          createdAt: iso(ctx.now),
        })),
      )
      .onConflictDoNothing();
  }
  return queued;
}

/**
 * A mailing to members the planner chose, written with its recipients at once. A trigger
 * per member (`triggerPrefix` + member id) keeps anyone from being added to a second
 * mailing of the same run; a run that finds nobody new leaves no empty mailing behind.
 */
async function queueToMembers(
  ctx: PlanContext,
  fields: { sourceKey: string; triggerPrefix: string; memberIds: string[]; group: SQL; variables: Record<string, string> | LocalVariables },
): Promise<number> {
  const { org, now } = ctx;
  return queueAutomaticMailing(ctx, {
    sourceKey: fields.sourceKey,
    variables: fields.variables,
    group: fields.group,
    triggers: (id) => sql`SELECT ${org.id}, ${fields.triggerPrefix} || value, ${id}, value, ${iso(now)}
      FROM json_each(${JSON.stringify(fields.memberIds)})`,
  });
}

/**
 * One automatic mailing, all or nothing: the mailing (once per `sourceKey`), a trigger row per
 * recipient that `triggers` selects (org_id, key, mailing_id, member_id, created_at; a key
 * already taken skips that recipient), a delivery per new trigger, and no mailing at all
 * when nobody new is left. Answers 1 when a mailing was queued. With `slices` (conditions
 * on `members`, see memberSlices), the recipients are written a slice at a time in a long
 * batch, giving way to other requests between slices: a call to a hundred thousand members
 * held the event loop for a second in one batch.
 */
async function queueAutomaticMailing(
  ctx: PlanContext,
  fields: {
    sourceKey: string;
    variables: Record<string, string> | LocalVariables;
    group: SQL;
    triggers: (mailingId: string, range?: SQL) => SQL;
    slices?: (SQL | undefined)[];
  },
): Promise<number> {
  const { db, org, automation, now } = ctx;
  const t = schema.mailingTriggers;
  const d = schema.mailingDeliveries;
  const members = schema.members;
  const id = newId(now);
  const slices = fields.slices ?? [undefined];
  const [inserted] = (await runLongBatch(db, [
    db
      .insert(schema.mailings)
      .values({
        ...automaticMailingRow(ctx, { id, sourceKey: fields.sourceKey, audienceType: "member_list", variables: fields.variables }),
        // Its recipients are fixed here, in this batch: it is materialised and sending at once.
        status: "sending",
        materialisedAt: iso(now),
      })
      .onConflictDoNothing()
      .returning({ id: schema.mailings.id }),
    ...slices.map((range) =>
      db.run(sql`INSERT INTO ${t} (org_id, key, mailing_id, member_id, created_at)
      SELECT * FROM (${fields.triggers(id, range)}) WHERE EXISTS (SELECT 1 FROM ${schema.mailings} WHERE id = ${id})
      ON CONFLICT DO NOTHING`),
    ),
    ...slices.map((range) =>
      db.run(sql`INSERT INTO ${d} (mailing_id, org_id, member_id, group_id, status, reason, attempts)
      SELECT ${id}, ${org.id}, ${members.id}, ${fields.group},
        CASE WHEN (${suppressionReasonSql(org.id, automation.category)}) IS NULL THEN 'pending' ELSE 'suppressed' END,
        ${suppressionReasonSql(org.id, automation.category)}, 0
      FROM ${
        range
          ? // A slice: its members first, along their index, each looked up among the triggers (CROSS JOIN keeps that order).
            sql`${members} CROSS JOIN ${t} ON ${t.mailingId} = ${id} AND ${t.memberId} = ${members.id} WHERE ${members.orgId} = ${org.id} AND ${range}`
          : sql`${t} JOIN ${members} ON ${members.id} = ${t.memberId} WHERE ${t.mailingId} = ${id}`
      }
      ON CONFLICT DO NOTHING`),
    ),
    // Nobody new to tell: no empty mailing in the list.
    db.run(sql`DELETE FROM ${schema.mailings} WHERE id = ${id} AND NOT EXISTS (SELECT 1 FROM ${d} WHERE mailing_id = ${id})`),
  ])) as [unknown[]];
  return inserted.length;
}

/**
 * Renewal reminders: a member whose period ends within the lead time (and who has no
 * later period), and again `graceDays` into the grace period. Each period and stage is
 * remembered in mailing_triggers, so nobody is reminded of the same thing twice.
 */
async function planRenewals(ctx: PlanContext): Promise<number> {
  const { org, automation, now } = ctx;
  const day = localDay(ctx.runAt, org.timeZone);
  const ms = schema.memberships;
  const members = schema.members;
  const notRenewed = sql`NOT EXISTS (SELECT 1 FROM ${ms} AS later WHERE later.member_id = ${ms.memberId} AND later.starts_on > ${ms.endsOn})`;
  const stages = [
    { stage: "before_expiry", when: sql`${ms.endsOn} >= ${day} AND ${ms.endsOn} <= date(${day}, ${`+${automation.leadDays} days`})` },
    ...(automation.graceDays !== null
      ? [
          {
            stage: "grace",
            when: sql`${ms.endsOn} < ${day} AND ${ms.graceUntil} >= ${day} AND date(${ms.endsOn}, ${`+${automation.graceDays} days`}) <= ${day}`,
          },
        ]
      : []),
  ];
  let queued = 0;
  for (const { stage, when } of stages) {
    queued += await queueAutomaticMailing(ctx, {
      sourceKey: `renewal_reminder:${stage}:${day}`,
      variables: { "membership.stage": stage },
      group: sql`${members.districtGroupId}`,
      triggers: (id) => sql`SELECT ${org.id}, ${`renewal:${stage}:`} || ${ms.id}, ${id}, ${ms.memberId}, ${iso(now)}
        FROM ${ms} JOIN ${members} ON ${members.id} = ${ms.memberId}
        WHERE ${ms.orgId} = ${org.id} AND ${members.erasedAt} IS NULL AND ${when} AND ${notRenewed}`,
    });
  }
  return queued;
}

const planners: Partial<Record<AutomationKind, (ctx: PlanContext) => Promise<number>>> = {
  monthly_group: planMonthly,
  renewal_reminder: planRenewals,
  meeting_summons: planEvents,
  member_meeting_notice: planEvents,
  event_reminder: planEvents,
  training_announcement: planTrainings,
};

/** Runs every automation whose time has come, then moves its next run on. Safe to run twice. */
export async function planAutomations(db: Db, now: Date): Promise<number> {
  const a = schema.mailingAutomations;
  const due = await db
    .select({
      row: a,
      slug: schema.organisations.slug,
      timeZone: schema.organisations.timeZone,
      locale: schema.organisations.locale,
      frontendUrls: schema.organisations.frontendUrls,
    })
    .from(a)
    .innerJoin(schema.organisations, eq(schema.organisations.id, a.orgId))
    .where(and(eq(a.enabled, true), lte(a.nextRunAt, iso(now))))
    .limit(50);
  let queued = 0;
  for (const { row, slug, timeZone, locale, frontendUrls } of due) {
    const runAt = new Date(row.nextRunAt as string);
    const planner = planners[row.kind as AutomationKind];
    if (planner && now.getTime() - runAt.getTime() <= lateLimitMs) {
      queued += await planner({
        db,
        org: { id: row.orgId, slug, timeZone, locale, frontendUrls: parseFrontendUrls(frontendUrls) },
        automation: automationOf(row, row.kind as AutomationKind, locale),
        runAt,
        now,
      });
    }
    const next = nextRun(row.schedule, timeZone, new Date(Math.max(now.getTime(), runAt.getTime())));
    await db
      .update(a)
      .set({ nextRunAt: next ? iso(next) : null })
      .where(and(eq(a.orgId, row.orgId), eq(a.kind, row.kind), eq(a.nextRunAt, row.nextRunAt as string)));
  }
  return queued;
}

/**
 * The hooks the elections module calls when nominations open and when voting opens: a
 * statutory mailing to the electorate (`recipients` selects their `member_id`s; supporting
 * members are not in it), made once per election and phase, or once per meeting for the
 * elections held at a member meeting.
 */
export async function queueElectionCall(
  db: Db,
  org: { id: string; timeZone: string; locale: string },
  election: { id: string; title: string; phase: "nominations_open" | "voting_open"; opensAt: string; closesAt: string; url?: string },
  recipients: SQL | SlicedRecipients,
  now: Date,
): Promise<string | undefined> {
  return queueCall(db, org, {
    sourceKey: `election_call:${election.id}:${election.phase}`,
    recipients: "of" in recipients ? recipients : { of: () => recipients },
    now,
    variables: (planOrg) => {
      const url = election.url ?? resourceLink(planOrg, "election", election.id);
      return (language, locale) => ({
        "election.title": election.title,
        "election.phase": translate(language, `election.phase.${election.phase}`),
        "election.opensAt": election.opensAt,
        "election.closesAt": election.closesAt,
        "election.opensAtLocal": localInstant(election.opensAt, org.timeZone, locale).dateTime,
        "election.closesAtLocal": localInstant(election.closesAt, org.timeZone, locale).dateTime,
        "election.url": url,
        elections: `- ${election.title}`,
      });
    },
  });
}

/**
 * The one call for all elections of a member meeting, queued when the first of them is
 * announced. An election announced later is added to it while nobody has been sent it yet;
 * after that, the meeting's notice (member_meeting_notice) lists every election on its agenda.
 */
export async function queueMeetingElectionCall(
  db: Db,
  org: { id: string; timeZone: string; locale: string },
  meeting: {
    eventId: string;
    occurrenceStart: string;
    title: string;
    elections: { title: string; seats: number; nominationOpensAt: string; nominationClosesAt: string }[];
  },
  recipients: SQL,
  now: Date,
): Promise<string | undefined> {
  const opensAt = meeting.elections.map((e) => e.nominationOpensAt).sort()[0] ?? "";
  const closesAt =
    meeting.elections
      .map((e) => e.nominationClosesAt)
      .sort()
      .at(-1) ?? "";
  return queueCall(db, org, {
    sourceKey: `election_call:meeting:${meeting.eventId}:${meeting.occurrenceStart}`,
    recipients: { of: () => recipients },
    now,
    refreshUnsent: true,
    variables: (planOrg) => {
      const url = resourceLink(planOrg, "event", meeting.eventId, meeting.occurrenceStart);
      return (language, locale) => ({
        "election.title": `${meeting.title}: ${meeting.elections.map((e) => e.title).join(", ")}`,
        "election.phase": translate(language, "election.phase.nominations_open"),
        "election.opensAt": opensAt,
        "election.closesAt": closesAt,
        "election.opensAtLocal": opensAt && localInstant(opensAt, org.timeZone, locale).dateTime,
        "election.closesAtLocal": closesAt && localInstant(closesAt, org.timeZone, locale).dateTime,
        "election.url": url,
        elections: meeting.elections
          .map((e) =>
            translate(language, "election_call.meetingElection", {
              title: e.title,
              seats: String(e.seats),
              until: localInstant(e.nominationClosesAt, org.timeZone, locale).dateTime,
            }),
          )
          .join("\n"),
      });
    },
  });
}

/** Recipients a slice at a time: `of(range)` selects the `member_id`s within a condition on `members`, one of `slices`. */
export interface SlicedRecipients {
  of: (range?: SQL) => SQL;
  slices?: (SQL | undefined)[];
}

/** The election call's mailing with its recipients written at once (queueAutomaticMailing); the id when this call queued it. */
async function queueCall(
  db: Db,
  org: { id: string; timeZone: string; locale: string },
  call: {
    sourceKey: string;
    recipients: SlicedRecipients;
    variables: (org: PlanOrg) => LocalVariables;
    now: Date;
    refreshUnsent?: boolean;
  },
): Promise<string | undefined> {
  const { now } = call;
  const ma = schema.mailingAutomations;
  const [row, orgRow] = await Promise.all([
    db.query.mailingAutomations.findFirst({ where: and(eq(ma.orgId, org.id), eq(ma.kind, "election_call")) }),
    db.query.organisations.findFirst({ columns: { slug: true, frontendUrls: true }, where: eq(schema.organisations.id, org.id) }),
  ]);
  if (row && !row.enabled) return undefined;
  const planOrg = { ...org, slug: orgRow?.slug ?? "", frontendUrls: parseFrontendUrls(orgRow?.frontendUrls) };
  const ctx: PlanContext = { db, org: planOrg, automation: automationOf(row, "election_call", org.locale), runAt: now, now };
  const variables = call.variables(planOrg);
  const m = schema.mailings;
  const queued = await queueAutomaticMailing(ctx, {
    sourceKey: call.sourceKey,
    variables,
    group: sql`${schema.members.districtGroupId}`,
    triggers: (id, range) =>
      sql`SELECT ${org.id}, ${`${call.sourceKey}:`} || member_id, ${id}, member_id, ${iso(now)} FROM (${call.recipients.of(range)})`,
    slices: call.recipients.slices,
  });
  if (queued === 0 && call.refreshUnsent) {
    // Still unsent to anyone: the mailing says what is now known, in every language.
    const fresh = automaticMailingRow(ctx, { id: "", sourceKey: call.sourceKey, audienceType: "member_list", variables });
    const d = schema.mailingDeliveries;
    await db.run(sql`UPDATE ${m} SET variables = ${fresh.variables}, variants = ${fresh.variants}, updated_at = ${iso(now)}
      WHERE ${m.orgId} = ${org.id} AND ${m.sourceKey} = ${call.sourceKey}
        AND NOT EXISTS (SELECT 1 FROM ${d} WHERE ${d.mailingId} = ${m.id} AND (${d.attempts} > 0 OR ${d.status} NOT IN ('pending', 'suppressed')))`);
  }
  if (queued === 0) return undefined;
  const [made] = await db
    .select({ id: m.id })
    .from(m)
    .where(and(eq(m.orgId, org.id), eq(m.sourceKey, call.sourceKey)));
  return made?.id;
}
