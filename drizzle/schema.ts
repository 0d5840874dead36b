export * from "./elections.ts";
export * from "./events.ts";
export * from "./groups.ts";
export * from "./mailings.ts";
export * from "./meetings.ts";
export * from "./members.ts";
export * from "./platform.ts";
