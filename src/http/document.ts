import { documentRateLimit } from "../abuse/requests.ts";
import type { App } from "../app.ts";
import { requiredAlternativeBodies } from "./openapi.ts";

export const apiInfo = {
  title: "Grasrot API",
  version: "1.0.0",
  description:
    "Members and fees, local and district groups, the calendar, elections of representatives and mailings of civic and political membership organisations.\n\n" +
    "Errors are `application/problem+json` (RFC 9457) with a stable `code`. Lists are cursor-paginated (`limit`, `cursor` → `nextCursor`). " +
    "Single resources carry a strong `ETag`; send it back as `If-Match` on updates and deletes (412 when stale). Creating POSTs accept an `Idempotency-Key`.",
  // Who answers for the API is whoever runs the deployment; the document names the project and where its reference lives.
  contact: { name: "Grasrot (the operator of this deployment)", url: "/docs" },
  license: { name: "AGPL-3.0-or-later", identifier: "AGPL-3.0-or-later" },
};

/** What each tag of the reference groups; a tag used by a route but missing here fails a test. */
export const tagDescriptions: Record<string, string> = {
  Meta: "Health and this document.",
  Organisations: "Tenants. Everything else lives under one.",
  "API keys": "Keys of an organisation, with roles admin, staff and readonly.",
  "Member sign-in": "Members sign in with a one-time code sent by e-mail and act for themselves with a member token.",
  Me: "A member's own profile, memberships, groups and calendar, with a member token.",
  Members: "Members, their personal data, district assignment, export and erasure, CSV import and export.",
  Contacts:
    "Every person of the organisation, members and people who are not (contacts: partners' activists, guests, subscribers); enrolment of a contact as a member; the contacts CSV.",
  "Membership types": "Kinds of membership with their fee, period and grace period.",
  Memberships: "Periods of membership; a member's status follows from them.",
  Areas: "Areas of the organisation and the postal codes in each; they decide members' district groups.",
  Groups: "Local and district groups, networks, interest and working groups, committees; proposals of new groups.",
  "Group members": "Rosters with roles (member, convener, contact person) and their history.",
  Events: "The calendar: meetings, trainings, campaign activities, lectures; recurring events and their occurrences.",
  Registrations: "Registrations for events and trainings, capacity and waiting list, attendance.",
  "Member meetings": "A member meeting in the room: check-in with the room's code, check-out, the voting register and its log.",
  Campaigns: "Campaigns, their material, events and figures.",
  Actions: "Actions of campaigns (urgent actions, petitions, letters) and what groups and members did for them.",
  "Group money": "A group's grant applications, fundraising income, expenses and balance, in exact minor units.",
  Recruitment: "Which group recruited a member, what each group recruited, and the recruitment links groups give out.",
  "Public sign-up": "Signing up without a key for the newsletter or a public event, confirmed by an e-mailed link (double opt-in).",
  "Group reports": "A group's year in figures, and every group's with the section's totals, as JSON and CSV.",
  "Programme areas": "Programme areas that events, campaigns, groups and partners belong to.",
  Partners: "Partner organisations (parties, movements, NGOs, networks, funders), their relations and contact persons.",
  "Programme reports":
    "The figures funders ask for: participation by gender, age band, country, programme area and partner; work done with each partner.",
  "Calendar feeds": "iCalendar feeds of public events, a group's events and a member's own calendar.",
  Mailings: "Mailings to audiences of members, recurring and automatic mailings, delivery progress.",
  Mail: "The local outbox, suppressed addresses and unsubscribing.",
  "Positions and mandates": "Positions of representatives and who holds them.",
  Elections: "Elections: nominations, the committee's proposal, the electorate, results.",
  Voting: "Casting ballots, receipts, paper ballots.",
  Tally: "Counting a supplied set of ballots with any method, with no election stored.",
  Webhooks:
    "Endpoints an organisation's integrations subscribe to events with; signed deliveries (Standard Webhooks), retried, logged and redelivered on request.",
};

/** The OpenAPI 3.1 document of the app: what `npm run openapi` writes to openapi.yaml. */
export function buildOpenApiDocument(app: App) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An organisation's API key (`grs_…`), a member token, or the deployment operator's key for operator routes.",
  });
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: apiInfo,
    // Relative: the API is wherever this document is served from (npm start, wrangler dev, a deployment).
    servers: [{ url: "/", description: "This deployment" }],
  });
  markRequiredBodies(document);
  // Limited by middleware that app.ts mounts outside the route's own definition.
  documentRateLimit(document, "/v1/tally", "post");
  const used = new Set(
    Object.values(document.paths ?? {}).flatMap((item) =>
      Object.values(item as Record<string, { tags?: string[] }>).flatMap((op) => op.tags ?? []),
    ),
  );
  document.tags = Object.keys(tagDescriptions)
    .filter((name) => used.has(name))
    .map((name) => ({ name, description: tagDescriptions[name] }));
  return document;
}

/** A body of JSON or a file is required, though the router validates its JSON only when JSON is sent (see defineRoute). */
function markRequiredBodies(document: { paths?: object }) {
  for (const item of Object.values(document.paths ?? {}) as object[]) {
    for (const operation of Object.values(item) as { operationId?: string; requestBody?: { required?: boolean } }[]) {
      if (operation.operationId && requiredAlternativeBodies.has(operation.operationId) && operation.requestBody) {
        operation.requestBody.required = true;
      }
    }
  }
}
