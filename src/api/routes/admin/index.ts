// Administration (administrators only), one module per resource. Registered in this order, which
// is the order of their paths in the OpenAPI document (and of Express's matching).
import type { ApiDeps } from "../../deps.ts";
import { agencyRoutes } from "./agencies.ts";
import { adminAuditRoutes, eventAuditRoutes } from "./audit.ts";
import { calendarRoutes } from "./calendar.ts";
import { policyRoutes } from "./policies.ts";
import { accountRoutes } from "./users.ts";

export function adminRoutes(deps: ApiDeps) {
  adminAuditRoutes(deps);
  agencyRoutes(deps);
  accountRoutes(deps);
  calendarRoutes(deps);
  policyRoutes(deps);
  eventAuditRoutes(deps);
}
