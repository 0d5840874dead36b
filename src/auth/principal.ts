/** The caller as services see it, apart from how a request proves who it is (src/http/auth.ts). */

export const roles = ["admin", "staff", "readonly"] as const;
export type Role = (typeof roles)[number];

/**
 * Who is calling. API keys act for an organisation with a role; the operator runs the
 * deployment; a member token is a person acting for themselves.
 */
export type Principal =
  | { kind: "anonymous" }
  | { kind: "operator" }
  | { kind: "api_key"; keyId: string; orgId: string; role: Role }
  | { kind: "member"; memberId: string; orgId: string };

/** The scope idempotency keys and audit entries are recorded under. */
export function principalScope(principal: Principal): string {
  switch (principal.kind) {
    case "api_key":
      return `key:${principal.keyId}`;
    case "operator":
      return "operator";
    case "member":
      return `member:${principal.memberId}`;
    case "anonymous":
      return "anonymous";
  }
}
