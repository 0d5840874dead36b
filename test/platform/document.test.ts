import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { committedOpenApi, committedOpenApiJson } from "../helpers/app.ts";

interface Parameter {
  name: string;
  in: string;
  schema: { type?: string; enum?: unknown[] };
}
interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
}
interface Document {
  info: { contact?: { name?: string; url?: string }; license?: { name: string; identifier?: string } };
  paths: Record<string, Record<string, Operation>>;
}

const document = JSON.parse(committedOpenApiJson) as Document;
const operations = Object.values(document.paths).flatMap((item) => Object.values(item));

describe("the OpenAPI document", () => {
  it("describes every operation, beyond its summary", () => {
    const undescribed = operations
      .filter((operation) => !operation.description || operation.description.trim() === operation.summary?.trim())
      .map((operation) => operation.operationId);
    expect(undescribed).toEqual([]);
  });

  it("names a contact and the licence", () => {
    expect(document.info.contact?.name).toBeTruthy();
    expect(document.info.contact?.url).toBeTruthy();
    expect(document.info.license).toEqual({ name: "AGPL-3.0-or-later", identifier: "AGPL-3.0-or-later" });
  });

  it("reads the same in YAML 1.1 as in YAML 1.2 and as the JSON: dates and words such as yes stay strings", () => {
    const json = JSON.parse(committedOpenApiJson);
    expect(isDeepStrictEqual(parse(committedOpenApi), json)).toBe(true);
    expect(isDeepStrictEqual(parse(committedOpenApi, { version: "1.1" }), json)).toBe(true);
    // The document has examples that look like dates; they are quoted.
    expect(committedOpenApi).toMatch(/example: "\d{4}-\d\d-\d\d/);
    expect(committedOpenApi).not.toMatch(/: \d{4}-\d\d-\d\d/);
  });

  it("types flags in the query as booleans and numbers of /v1/tally as numbers", () => {
    const query = operations.flatMap((operation) =>
      (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => ({ ...p, operationId: operation.operationId })),
    );
    expect(query.filter((p) => isDeepStrictEqual([...(p.schema.enum ?? [])].sort(), ["false", "true"]))).toEqual([]);
    const flags = query.filter((p) => p.schema.type === "boolean").map((p) => `${p.operationId}.${p.name}`);
    expect(flags).toEqual(
      expect.arrayContaining([
        "importMembers.dryRun",
        "listMembers.unassigned",
        "exportMembersCsv.unassigned",
        "listMembershipTypes.archived",
        "createArea.move",
        "replaceAreaPostalCodes.move",
        "addAreaPostalCodes.move",
        "listPositionMandates.current",
        "listMemberMandates.current",
        "listMyMandates.current",
        "tally.look_back",
      ]),
    );
    const tally = Object.fromEntries(query.filter((p) => p.operationId === "tally").map((p) => [p.name, p.schema.type]));
    expect(tally).toMatchObject({
      seats: "integer",
      first_divisor: "number",
      precision: "integer",
      display: "integer",
      max_marks: "integer",
      majority_rounds: "integer",
    });
  });
});
