import { describe, expect, it } from "vitest";
import { catalogues, languageFor, languages } from "../../src/i18n/index.ts";
import { variablesOf } from "../../src/mail/template.ts";

describe("the message catalogue", () => {
  it("has every key in every language, each with the same variables", () => {
    const [first, ...others] = languages;
    const reference = catalogues[first];
    for (const language of others) {
      const catalogue = catalogues[language];
      expect(Object.keys(catalogue).sort(), `keys of ${language}`).toEqual(Object.keys(reference).sort());
      for (const [key, text] of Object.entries(reference)) {
        const translated = catalogue[key as keyof typeof catalogue];
        expect(translated, `${language}: ${key}`).toEqual(expect.any(String));
        expect(translated.trim(), `${language}: ${key} is empty`).not.toBe("");
        expect(variablesOf(translated).sort(), `${language}: variables of ${key}`).toEqual(variablesOf(text).sort());
      }
    }
  });

  it("writes to a reader in their language when Grasrot speaks it, else in the organisation's, else in English", () => {
    expect(languageFor("en-GB", "sv-SE")).toBe("en");
    expect(languageFor(null, "sv-SE")).toBe("sv");
    expect(languageFor("de", "sv-SE")).toBe("sv");
    expect(languageFor("de", "fr-FR")).toBe("en");
    expect(languageFor("SV", "en")).toBe("sv");
  });
});
