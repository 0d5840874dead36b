import { json, type TestApp } from "../helpers/app.ts";

let counter = 0;

export async function createProgrammeArea(t: TestApp, fields: Record<string, unknown> = {}, key?: string): Promise<string> {
  counter += 1;
  const response = await t.request("POST", `/v1/orgs/${t.org}/programme-areas`, { key, body: { name: `Area ${counter}`, ...fields } });
  return (await json<{ id: string }>(response, 201)).id;
}

export async function createPartner(t: TestApp, fields: Record<string, unknown> = {}, key?: string): Promise<string> {
  counter += 1;
  const response = await t.request("POST", `/v1/orgs/${t.org}/partners`, {
    key,
    body: { name: `Partner ${counter}`, kind: "party", ...fields },
  });
  return (await json<{ id: string }>(response, 201)).id;
}

/**
 * Gender and birth year straight on the person's row: they are fields of the people
 * resource, set there by staff or the person; here they only need to be there to be counted.
 */
export async function setStatistics(t: TestApp, memberId: string, gender: "woman" | "man" | "other" | null, birthYear: number | null) {
  await t.database.client.execute({
    sql: "UPDATE members SET gender = ?, birth_year = ? WHERE id = ?",
    args: [gender, birthYear, memberId],
  });
}

/** Registers each person (staff key) while the clock is before the event; returns the registration ids. */
export async function register(t: TestApp, eventId: string, memberIds: string[], occurrenceStart?: string): Promise<string[]> {
  const ids: string[] = [];
  for (const memberId of memberIds) {
    const response = await t.request("POST", `/v1/orgs/${t.org}/events/${eventId}/registrations`, {
      body: { memberId, ...(occurrenceStart && { occurrenceStart }) },
    });
    ids.push((await json<{ id: string }>(response, 201)).id);
  }
  return ids;
}

/** Records a registration's outcome once the event has begun (the clock must be past its start). */
export async function record(t: TestApp, eventId: string, registrationIds: string[], status: "attended" | "no_show" = "attended") {
  for (const id of registrationIds) {
    await json(await t.request("PATCH", `/v1/orgs/${t.org}/events/${eventId}/registrations/${id}`, { body: { status } }), 200);
  }
}
