/**
 * `{{ name }}` templates: the only syntax is a variable, so a template can never run code
 * or reach data it was not given. Values are HTML-escaped in HTML bodies.
 */

const variablePattern = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;

export type TemplateVariables = Record<string, string | number | null | undefined>;

/** The variable names a template uses, in order of first use. */
export function variablesOf(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(variablePattern), (match) => match[1] as string))];
}

/** Names used by the template that are not in `allowed`; empty when the template is fine. */
export function unknownVariables(template: string, allowed: ReadonlySet<string>): string[] {
  return variablesOf(template).filter((name) => !allowed.has(name));
}

export function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

export function render(template: string, variables: TemplateVariables, options: { html?: boolean } = {}): string {
  return template.replace(variablePattern, (_, name: string) => {
    const value = variables[name];
    const text = value === null || value === undefined ? "" : String(value);
    return options.html ? escapeHtml(text) : text;
  });
}
