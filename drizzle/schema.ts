export * from "./groups.ts";
export * from "./members.ts";
export * from "./platform.ts";
