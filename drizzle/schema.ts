export * from "./elections.ts";
export * from "./events.ts";
export * from "./groups.ts";
export * from "./groupwork.ts";
export * from "./mailings.ts";
export * from "./members.ts";
export * from "./platform.ts";
export * from "./webhooks.ts";
