import { noServerErrors } from "./malformed.ts";

noServerErrors("elections", "events", "groups");
