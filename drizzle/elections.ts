import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { events } from "./events.ts";
import { groups } from "./groups.ts";
import { members } from "./members.ts";
import { organisations } from "./platform.ts";

/**
 * Elections of representatives: positions, the elections that fill them, candidates,
 * the electorate, the ballots, and the mandates that result. Instants are ISO 8601 UTC
 * text, days are YYYY-MM-DD in the organisation's time zone, JSON is text.
 */

export const electionStatuses = ["draft", "nominating", "voting", "closed", "counted", "published"] as const;
export const electorateSources = ["memberships", "meeting"] as const;
export const candidateStatuses = ["proposed", "accepted", "declined", "withdrawn"] as const;

/** A position to be filled: a board, a convener pair, delegates. The body is the organisation (no group) or a group. */
export const positions = sqliteTable(
  "positions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** The role description shown to members who consider standing. */
    description: text("description"),
    bodyGroupId: text("body_group_id").references(() => groups.id, { onDelete: "set null" }),
    seats: integer("seats").notNull(),
    termMonths: integer("term_months").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("positions_org_idx").on(t.orgId, t.id)],
);

/**
 * One election fills one position. An organisation electing several positions at one
 * meeting holds several elections, each with its own ballot (as statutes require).
 */
export const elections = sqliteTable(
  "elections",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    positionId: text("position_id")
      .notNull()
      .references(() => positions.id),
    title: text("title").notNull(),
    description: text("description"),
    seats: integer("seats").notNull(),
    method: text("method").notNull(),
    /** JSON object of the counting method's options (engine names). */
    options: text("options").notNull().default("{}"),
    /** JSON gender rule applied to the counted order, or null. */
    genderRule: text("gender_rule"),
    /** The member meeting the election belongs to. */
    eventId: text("event_id").references(() => events.id, { onDelete: "set null" }),
    /** The nominating committee: its members may set the proposal. */
    committeeGroupId: text("committee_group_id").references(() => groups.id, { onDelete: "set null" }),
    /**
     * memberships: the members in standing on the cut-off day (voting periods set in advance);
     * meeting: the voting register of the meeting `event_id` / `meeting_occurrence_start`, as it
     * stands when the chair opens the poll (no times in advance).
     */
    electorateSource: text("electorate_source", { enum: electorateSources }).notNull().default("memberships"),
    /** The meeting's occurrence ('' for a single event) when the electorate is a meeting's register. */
    meetingOccurrenceStart: text("meeting_occurrence_start"),
    /** Null: every active member of the organisation; otherwise the members of this group. */
    electorateGroupId: text("electorate_group_id").references(() => groups.id),
    electorateCutoffOn: text("electorate_cutoff_on").notNull(),
    nominationOpensAt: text("nomination_opens_at").notNull(),
    nominationClosesAt: text("nomination_closes_at").notNull(),
    votingOpensAt: text("voting_opens_at").notNull(),
    votingClosesAt: text("voting_closes_at").notNull(),
    /** Reserves (ersättare) to rank from the non-elected, in order, and store with the mandates. */
    reserves: integer("reserves").notNull().default(0),
    /** False for elections held only in the room, on paper. */
    onlineVoting: integer("online_voting", { mode: "boolean" }).notNull().default(true),
    status: text("status", { enum: electionStatuses }).notNull(),
    /** Drawn at creation and never changed: every tie decided by lot is reproducible from it. */
    seed: text("seed").notNull(),
    /** JSON: the count, turnout and receipts summary; null until counted. */
    result: text("result"),
    /** Why the automatic count failed (the election then stays closed until staff count it). */
    countError: text("count_error"),
    countedAt: text("counted_at"),
    publishedAt: text("published_at"),
    version: integer("version").notNull().default(1),
    /** Version of the nominating committee's proposal (election_proposals), bumped by each PUT: its ETag. */
    proposalVersion: integer("proposal_version").notNull().default(1),
    /**
     * JSON: the meeting's vote on the committee's proposal as a whole (status open, accepted or
     * rejected, and once closed the yes, no and abstain counts); null when none was held.
     */
    proposalVote: text("proposal_vote"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("elections_org_idx").on(t.orgId, t.id),
    index("elections_position_idx").on(t.positionId, t.id),
    // The scheduler finds elections due to open or close by status and time.
    index("elections_status_opens_idx").on(t.status, t.votingOpensAt),
    index("elections_status_closes_idx").on(t.status, t.votingClosesAt),
  ],
);

export const electionCandidates = sqliteTable(
  "election_candidates",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    electionId: text("election_id")
      .notNull()
      .references(() => elections.id, { onDelete: "cascade" }),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    status: text("status", { enum: candidateStatuses }).notNull(),
    /** self: stood themselves; member: nominated by `nominatedById`; staff: entered by staff. */
    nominatedBy: text("nominated_by", { enum: ["self", "member", "staff"] }).notNull(),
    nominatedById: text("nominated_by_id").references(() => members.id, { onDelete: "set null" }),
    statement: text("statement"),
    /** Only what a gender rule needs, given by the candidate or staff. */
    gender: text("gender"),
    respondedAt: text("responded_at"),
    withdrawnAt: text("withdrawn_at"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("election_candidates_member_unique").on(t.electionId, t.memberId),
    index("election_candidates_election_idx").on(t.electionId, t.id),
  ],
);

/** The nominating committee's proposal: an ordered list with reasons. */
export const electionProposals = sqliteTable(
  "election_proposals",
  {
    electionId: text("election_id")
      .notNull()
      .references(() => elections.id, { onDelete: "cascade" }),
    place: integer("place").notNull(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    reason: text("reason"),
  },
  (t) => [primaryKey({ columns: [t.electionId, t.place] })],
);

/**
 * The electorate, fixed when voting opens. `has_voted` is all that is kept of a vote
 * here: no time, nothing that points at a ballot.
 */
export const electionVoters = sqliteTable(
  "election_voters",
  {
    electionId: text("election_id")
      .notNull()
      .references(() => elections.id, { onDelete: "cascade" }),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    hasVoted: integer("has_voted", { mode: "boolean" }).notNull().default(false),
    /** At a meeting: the vote was a paper handed to the tellers, so no phone ballot may follow (nor precede it). */
    votedOnPaper: integer("voted_on_paper", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.electionId, t.memberId] })],
);

/**
 * Ballots. Nothing here can lead back to a voter: no member, no time, and the key is
 * random in a WITHOUT ROWID table (the custom migration `elections_ballots_without_rowid`;
 * drizzle-kit cannot declare one), so no rowid follows the order of voting. Where rows sit
 * in the file would, so ballots are written in shuffled batches and rewritten in random
 * order when the poll closes (src/elections/ballot-storage.ts); the id is a UUIDv4, or
 * `pending:<uuid>` until its batch is written. An online ballot carries the SHA-256 of the
 * receipt code only its voter was shown.
 */
export const ballots = sqliteTable(
  "ballots",
  {
    electionId: text("election_id")
      .notNull()
      .references(() => elections.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    /** JSON array of candidate ids, or of lists of them for equal rankings; [] for a blank ballot. */
    ranking: text("ranking").notNull(),
    /** 1 for online ballots; paper ballots entered in bulk may stand for several identical papers. */
    weight: integer("weight").notNull().default(1),
    receiptHash: text("receipt_hash"),
    source: text("source", { enum: ["online", "paper"] }).notNull(),
    /** The bulk entry a paper ballot came with, so a mistaken entry can be removed whole. */
    batchId: text("batch_id"),
  },
  (t) => [primaryKey({ columns: [t.electionId, t.id] }), index("ballots_receipt_idx").on(t.electionId, t.receiptHash)],
);

/** Who holds which position, for which term, from which election (null: entered by staff). */
export const mandates = sqliteTable(
  "mandates",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    positionId: text("position_id")
      .notNull()
      .references(() => positions.id, { onDelete: "cascade" }),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    electionId: text("election_id").references(() => elections.id, { onDelete: "set null" }),
    /** Place in the order of election (1 = elected first); null when entered by staff, and for reserves. */
    place: integer("place"),
    /** A reserve (ersättare): their rank among the election's reserves (1 = first called); null for holders. */
    reserveRank: integer("reserve_rank"),
    startsOn: text("starts_on").notNull(),
    endsOn: text("ends_on").notNull(),
    /** Bumped on every change: the ETag, for If-Match. */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("mandates_election_member_unique").on(t.electionId, t.memberId),
    index("mandates_position_idx").on(t.positionId, t.endsOn),
    index("mandates_member_idx").on(t.memberId, t.endsOn),
    index("mandates_org_idx").on(t.orgId, t.endsOn),
  ],
);
