import { noServerErrors } from "./malformed.ts";

noServerErrors("events");
