import { noServerErrors, noServerErrorsCoverage } from "./malformed.ts";

noServerErrors("members", "mailings", "platform");
noServerErrorsCoverage();
