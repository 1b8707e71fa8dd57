// The OpenAPI 3.1 document, generated from the registry the routes filled in.
import { z } from "zod";
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import type { MachineCatalog } from "../engine/context.ts";
import { requestSchemaFor } from "../engine/computedPayloads.ts";

export function createRegistry() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  return registry;
}

/** One documented body per (case type, event): type + occurredOn + that event's payload schema. */
export function eventDocBody(machines: MachineCatalog): z.ZodType {
  const variants: z.ZodType[] = [];
  for (const type of machines.types) {
    const mod = machines.latest(type);
    for (const [event, spec] of Object.entries(mod.events)) {
      // an event whose recorded payload the service computes is requested with its own schema
      variants.push(
        requestSchemaFor(mod, event)
          .extend({
            type: z.literal(event),
            occurredOn: z.string().optional().meta({ description: "China date YYYY-MM-DD; defaults to today" }),
          })
          .meta({ id: `${type}_${event}`, description: `${spec.label.en} (${spec.label.zh}) on a ${type} case` }),
      );
    }
  }
  return z.union(variants as [z.ZodType, z.ZodType, ...z.ZodType[]]).meta({ id: "CaseEventRequest" });
}

export function generateDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Social insurance transfer and renewal case tracker",
      version: "1.0.0",
      description:
        "Cases as explicit state machines with statutory working-day deadlines. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/" }],
  });
}
