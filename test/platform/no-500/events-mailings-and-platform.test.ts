import { noServerErrors, noServerErrorsCoverage } from "./malformed.ts";

noServerErrors("events", "mailings", "platform");
noServerErrorsCoverage();
