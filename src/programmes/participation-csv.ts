import { csvRecord } from "../lib/csv.ts";
import { guardFormula } from "../members/formula-guard.ts";
import type { ParticipationReport } from "./participation.service.ts";

/**
 * The participation report as one table for a funder's template: a line per cell, each
 * breakdown after the totals. A withheld count reads `<3` (the minimum), as statistics
 * tables print it; activities are left empty where a breakdown has none (gender, age).
 */
export function participationCsv(report: ParticipationReport): string {
  const below = `<${report.suppression.minimumCount}`;
  const people = (n: number | null) => (n === null ? below : String(n));
  const line = (
    dimension: string,
    key: string,
    label: string,
    figures: { activities?: number; participants: number | null; attendances: number | null },
  ) =>
    csvRecord([
      dimension,
      key,
      guardFormula(label),
      figures.activities === undefined ? "" : String(figures.activities),
      people(figures.participants),
      people(figures.attendances),
    ]);
  return [
    csvRecord(["dimension", "key", "label", "activities", "participants", "attendances"]),
    line("total", "", `${report.from} – ${report.to}`, report.totals),
    ...report.byGender.map((row) => line("gender", row.gender, row.gender, row)),
    ...report.byAgeBand.map((row) => line("age_band", row.band, row.band, row)),
    ...report.byCountry.map((row) => line("country", row.country ?? "", row.country ?? "no country", row)),
    ...report.byProgrammeArea.map((row) => line("programme_area", row.programmeAreaId, row.name, row)),
    ...report.byPartner.map((row) => line("partner", row.partnerId, row.name, row)),
  ].join("");
}
