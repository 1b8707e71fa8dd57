// What every route module receives.
import type { z } from "zod";
import type { Config } from "../config.ts";
import type { EngineContext } from "../engine/context.ts";
import type { TokenService } from "../auth/tokens.ts";
import type { RouteSpec } from "./route.ts";

export interface ApiDeps {
  ctx: EngineContext;
  config: Config;
  tokens: TokenService;
  add: <B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(spec: RouteSpec<B, Q, P>) => void;
  /** documentation of POST /api/cases/:id/events built from every machine's event schemas */
  eventDocBody: z.ZodType;
}
