import type { Db } from "./db/index.ts";
import { countOrganisations, createOrganisation } from "./orgs/orgs.service.ts";

export interface BootstrapResult {
  slug: string;
  adminKey: string;
}

/**
 * On first start with an empty database, creates the demo organisation and its admin
 * key, so a newcomer can make an authenticated call at once. Does nothing afterwards.
 */
export async function bootstrapIfEmpty(
  db: Db,
  options: { slug?: string; adminKey?: string; now: Date },
): Promise<BootstrapResult | undefined> {
  if ((await countOrganisations(db)) > 0) return undefined;
  const slug = options.slug || "demo";
  const created = await createOrganisation(
    db,
    {
      slug,
      name: slug === "demo" ? "Demo organisation" : slug,
      timeZone: "Europe/Stockholm",
      locale: "sv-SE",
      adminKeyName: "Bootstrap admin key",
      adminSecret: options.adminKey || undefined,
    },
    options.now,
  );
  return { slug, adminKey: created.adminKey.secret };
}
