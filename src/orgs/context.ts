/** The organisation a request acts for, as services need it. */
export interface OrgContext {
  id: string;
  slug: string;
  /** Membership days, meeting times and the like are local to the organisation. */
  timeZone: string;
}
