import { noServerErrors, noServerErrorsCoverage } from "./malformed.ts";

noServerErrors("platform");
noServerErrorsCoverage();
