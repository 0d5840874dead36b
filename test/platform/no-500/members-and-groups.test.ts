import { noServerErrors } from "./malformed.ts";

noServerErrors("members", "groups");
