import { describe, expect, it } from "vitest";
import { ElectionDetail, ElectionPublic } from "../../src/elections/elections.schemas.ts";
import { MailingPublic } from "../../src/mailings/mailings.schemas.ts";
import { createElection } from "../elections/helpers.ts";
import { committedOpenApiJson, testApp } from "../helpers/app.ts";
import { createMailing } from "../mailings/helpers.ts";

type Schema = {
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  enum?: unknown[];
  additionalProperties?: unknown;
};
const schemas = (JSON.parse(committedOpenApiJson) as { components: { schemas: Record<string, Schema> } }).components.schemas;
const resolve = (schema: Schema): Schema => (schema.$ref ? (schemas[schema.$ref.split("/").pop() as string] as Schema) : schema);

/** The properties of a schema, looking through allOf and oneOf: each property with every schema it may have. */
function propertySchemas(schema: Schema, name: string): Schema[] {
  const own = resolve(schema);
  return [
    ...(own.properties?.[name] ? [own.properties[name]] : []),
    ...[...(own.allOf ?? []), ...(own.oneOf ?? [])].flatMap((part) => propertySchemas(part, name)),
  ];
}

describe("responses typed as exactly as requests", () => {
  it("give an election's method as an enum, and its options by method", () => {
    for (const name of ["Election", "ElectionDetail"]) {
      const methods = propertySchemas(schemas[name] as Schema, "method");
      expect(methods.length, name).toBeGreaterThan(1);
      for (const method of methods) expect(method.enum, name).toHaveLength(1);
      const options = propertySchemas(schemas[name] as Schema, "options").map((option) => option.$ref);
      expect(options, name).toContain("#/components/schemas/MeekStvOptions");
    }
    expect(resolve(schemas.Election as Schema).allOf?.[1]?.$ref).toBe("#/components/schemas/ElectionMethodOptions");
  });

  it("take an election's options by method in the request too", () => {
    const variants = (schemas.ElectionCreate?.oneOf ?? []).map(resolve);
    const meek = variants.find((variant) => variant.properties?.method?.enum?.[0] === "meek_stv");
    expect(variants.length).toBeGreaterThan(10);
    expect(Object.keys(meek?.properties?.options?.properties ?? {})).toEqual(["variant", "precision", "omega"]);
    expect(meek?.properties?.options?.additionalProperties).toBe(false);
  });

  it("give a count's parameters by method, in a stored result and in /v1/tally", () => {
    for (const name of ["CountResult", "TallyResult"]) {
      const parameters = propertySchemas(schemas[name] as Schema, "parameters").map((schema) => schema.$ref);
      expect(parameters, name).toContain("#/components/schemas/MeekStvParameters");
      expect(parameters, name).toContain("#/components/schemas/SainteLagueParameters");
      expect(
        parameters.every((ref) => ref?.endsWith("Parameters")),
        name,
      ).toBe(true);
    }
  });

  it("give a mailing's audience as the union the request uses, plus the member list of automatic mailings", () => {
    expect(schemas.Mailing?.properties?.audience?.$ref).toBe("#/components/schemas/MailingAudienceShown");
    const shown = (schemas.MailingAudienceShown?.oneOf ?? []).map((variant) => resolve(variant).properties?.type?.enum?.[0]);
    const asked = (schemas.MailingAudience?.oneOf ?? []).map((variant) => resolve(variant).properties?.type?.enum?.[0]);
    expect(shown).toEqual([...asked, "member_list"]);
  });

  it("describe what the API answers: an election with options and a mailing parse with their schemas", async () => {
    const t = await testApp();
    const created = await createElection(t, { method: "meek_stv", options: { precision: 9, variant: "prf_reference" } });
    const shown = await (await t.request("GET", `/v1/orgs/${t.org}/elections/${created.id}`)).json();
    expect(ElectionDetail.safeParse(shown).error?.issues ?? []).toEqual([]);
    const list = (await (await t.request("GET", `/v1/orgs/${t.org}/elections`)).json()) as { data: unknown[] };
    expect(ElectionPublic.safeParse(list.data[0]).error?.issues ?? []).toEqual([]);
    // Options of another method do not fit meek_stv's schema.
    expect(ElectionPublic.safeParse({ ...(list.data[0] as object), options: { lookBack: true } }).success).toBe(false);

    const mailing = await createMailing(t, { subject: "S", text: "x", category: "newsletters", audience: { type: "all_members" } });
    const got = await (await t.request("GET", `/v1/orgs/${t.org}/mailings/${mailing.id}`)).json();
    expect(MailingPublic.safeParse(got).error?.issues ?? []).toEqual([]);
    expect(MailingPublic.safeParse({ ...(got as object), audience: { type: "group" } }).success).toBe(false);
  });
});
