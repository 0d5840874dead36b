import { createRouter } from "../http/openapi.ts";
import { contactCoreRoutes } from "./contacts.routes.ts";
import { contactCsvRoutes } from "./import.routes.ts";

/** Every person of the organisation, members and contacts; enrolment of a contact as a member. */
export const contactRoutes = createRouter()
  // The CSV routes go first: `/contacts/import` must not be taken for a contact id.
  .route("/", contactCsvRoutes)
  .route("/", contactCoreRoutes);
