// Administration of accounts (staff and administrators): create, list, disable or enable, reset a
// password, change a role or agency.
import { z } from "zod";
import { createAccount, listAccounts, ROLES, updateAccount, type AccountRow } from "../../../engine/accounts.ts";
import type { ApiDeps } from "../../deps.ts";
import { userListSchema, userSchema, type UserJson } from "../../schemas.ts";
import { agencyCode as code } from "./fields.ts";

const userBody = z
  .object({
    username: z.string().regex(/^[A-Za-z0-9_.-]{3,64}$/, "3-64 letters, digits, _ . or -"),
    password: z.string().min(12, "at least 12 characters").max(256),
    role: z.enum(ROLES),
    agencyCode: code.optional(),
  })
  .strict()
  .meta({ id: "CreateUser" });
const userPatch = z
  .object({
    disabled: z.boolean().optional(),
    password: z.string().min(12, "at least 12 characters").max(256).optional(),
    role: z.enum(ROLES).optional(),
    agencyCode: code.optional().meta({ description: "the agency of a user who becomes (or is) staff" }),
  })
  .strict()
  .meta({ id: "UpdateUser" });

const userView = (u: AccountRow): UserJson => ({
  id: u.id,
  username: u.username,
  role: u.role as UserJson["role"],
  agencyCode: u.agency?.code ?? null,
  disabled: u.disabled,
});

function createUserRoute({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/admin/users",
    operationId: "createUser",
    summary: "Create a staff or administrator account",
    tags: ["admin"],
    access: "admin",
    body: userBody,
    responses: { 201: { description: "The user", schema: userSchema } },
    errors: [409],
    handler: async ({ body, res, actor }) => {
      const u = await createAccount(ctx, actor!, body);
      res.status(201);
      return userView(u);
    },
  });
}

function listUsersRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/admin/users",
    operationId: "listUsers",
    summary: "List accounts",
    tags: ["admin"],
    access: "admin",
    responses: { 200: { description: "Users", schema: userListSchema } },
    handler: async () => ({ items: (await listAccounts(ctx)).map(userView) }),
  });
}

function updateUserRoute({ ctx, add }: ApiDeps) {
  add({
    method: "patch",
    path: "/api/admin/users/:username",
    operationId: "updateUser",
    summary: "Disable or enable an account, reset its password or change its role; each ends the user's earlier tokens",
    tags: ["admin"],
    access: "admin",
    params: z.object({ username: z.string().min(1).max(64) }),
    body: userPatch,
    responses: { 200: { description: "The user", schema: userSchema } },
    errors: [404, 409],
    handler: async ({ params, body, actor }) => userView(await updateAccount(ctx, actor!, params.username, body)),
  });
}

export function accountRoutes(deps: ApiDeps) {
  createUserRoute(deps);
  listUsersRoute(deps);
  updateUserRoute(deps);
}
