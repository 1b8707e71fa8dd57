// Administration of outgoing webhooks: subscriptions, then their deliveries (registered in this
// order: the order of their paths in the OpenAPI document).
import type { ApiDeps } from "../../deps.ts";
import { deliveryRoutes } from "./deliveries.ts";
import { subscriptionRoutes } from "./subscriptions.ts";

export function webhookRoutes(deps: ApiDeps) {
  subscriptionRoutes(deps);
  deliveryRoutes(deps);
}
