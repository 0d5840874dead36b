/**
 * Development and test only: serves libSQL's remote protocol (Hrana over HTTP) over local database files, so
 * code running in workerd, which cannot open a database file, can use `@libsql/client/web` against a local
 * database. Never import this from the Worker: it needs Node and a native driver.
 */
export { type CreateDatabaseOptions, createHranaBridge, type HranaBridge, type HranaBridgeOptions } from "./bridge.ts";
export { type RunningHranaBridge, type StartHranaBridgeOptions, startHranaBridge } from "./server.ts";
