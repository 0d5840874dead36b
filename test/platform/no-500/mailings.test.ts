import { noServerErrors } from "./malformed.ts";

noServerErrors("mailings");
