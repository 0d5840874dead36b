import { noServerErrors } from "./malformed.ts";

noServerErrors("groups");
