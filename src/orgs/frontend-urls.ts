import { z } from "@hono/zod-openapi";

/**
 * Where the organisation's own frontend shows a resource: the links in mail point there.
 * A pattern is an absolute URL with `{id}` where the resource's id goes (and, for events,
 * `{start}` for an occurrence's start, ISO 8601 UTC). A resource without a pattern is linked
 * to its API URL on this deployment instead (GRASROT_PUBLIC_URL), so a link is never empty.
 */
export const frontendResources = ["event", "election"] as const;
export type FrontendResource = (typeof frontendResources)[number];
export type FrontendUrls = Partial<Record<FrontendResource, string>>;

const Pattern = z
  .string()
  .max(500)
  .refine((value) => value.includes("{id}"), "must hold {id} where the id goes")
  .refine(
    (value) => URL.canParse(value.replaceAll("{id}", "x").replaceAll("{start}", "x")) && /^https?:\/\//.test(value),
    "must be an http(s) URL",
  )
  .openapi({ example: "https://forum.example.org/calendar/{id}" });

export const FrontendUrlsField = z
  .object({ event: Pattern.nullable(), election: Pattern.nullable() } satisfies Record<FrontendResource, unknown>)
  .partial()
  .strict()
  .openapi("FrontendUrls", {
    description:
      "URL patterns of the organisation's frontend, for the links in mail: `{{event.url}}` in summons, notices, reminders and training announcements, " +
      "`{{election.url}}` in election calls. `{id}` is replaced by the resource's id (`{start}`, for events, by the occurrence's start). " +
      "Without a pattern, links point to the resource's URL in this API (`<GRASROT_PUBLIC_URL>/v1/orgs/{org}/events/{id}`). `null` removes a pattern.",
    example: { event: "https://forum.example.org/calendar/{id}", election: "https://forum.example.org/elections/{id}" },
  });

export function parseFrontendUrls(json: string | null | undefined): FrontendUrls {
  try {
    const value = JSON.parse(json ?? "{}") as Record<string, unknown>;
    const out: FrontendUrls = {};
    for (const resource of frontendResources) if (typeof value[resource] === "string") out[resource] = value[resource] as string;
    return out;
  } catch {
    return {};
  }
}

/** The stored patterns after an update: a pattern given replaces, null removes, one left out stays. */
export function mergeFrontendUrls(current: string, update: Partial<Record<FrontendResource, string | null>>): string {
  const merged: Record<string, string> = { ...parseFrontendUrls(current) };
  for (const [resource, pattern] of Object.entries(update)) {
    if (pattern === null || pattern === undefined) delete merged[resource];
    else merged[resource] = pattern;
  }
  return JSON.stringify(merged);
}

/**
 * The link to a resource in mail: the frontend's, or the API path (`/v1/orgs/…`), which the
 * renderer makes whole with the deployment's public URL.
 */
export function resourceLink(
  org: { slug: string; frontendUrls: FrontendUrls },
  resource: FrontendResource,
  id: string,
  start?: string,
): string {
  const pattern = org.frontendUrls[resource];
  if (pattern) return pattern.replaceAll("{id}", encodeURIComponent(id)).replaceAll("{start}", encodeURIComponent(start ?? ""));
  return `/v1/orgs/${org.slug}/${resource}s/${id}`;
}
