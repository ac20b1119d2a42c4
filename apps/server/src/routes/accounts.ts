import {
  countAccounts,
  createAccount,
  createApiToken,
  type Database,
  deleteAccount,
  deleteApiToken,
  listAccounts,
  listApiTokens,
  updateAccount,
} from '@chargechain/db'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import { generatePassword, hashPassword, newSecret, passwordRule, secretHash } from '../auth/secrets.js'
import type { SessionCache } from '../auth/sessionCache.js'
import { HttpProblem } from '../errors.js'
import type { AppEnv } from '../http/env.js'
import { toJson } from '../http/json.js'
import { errorResponses } from '../http/problems.js'
import { apiRoute } from '../http/route.js'
import { AccountSchema, ApiTokenSchema, accountRoleSchema, idText, timeText } from '../http/schemas.js'

export const usernameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/,
    'must be 1–64 letters, digits or _ . @ -, starting with a letter or digit',
  )

export const passwordSchema = z
  .string()
  .min(passwordRule.min, `must be at least ${passwordRule.min} characters`)
  .max(passwordRule.max, `must be at most ${passwordRule.max} characters`)

const role = accountRoleSchema
const idParam = z.strictObject({ id: idText('id') })

const listAccountsRoute = apiRoute(
  {
    method: 'get',
    path: '/api/accounts',
    tags: ['accounts'],
    summary: 'Everyone who may sign in',
    responses: {
      200: { description: 'Accounts', content: { 'application/json': { schema: z.array(AccountSchema) } } },
    },
  },
  { adminOnly: true },
)

const createAccountRoute = apiRoute({
  method: 'post',
  path: '/api/accounts',
  tags: ['accounts'],
  summary: 'Adds an account; without a password one is generated and returned once',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ username: usernameSchema, role, password: passwordSchema.optional() }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'Created',
      content: {
        'application/json': {
          schema: AccountSchema.extend({
            password: z
              .string()
              .optional()
              .openapi({ description: 'The generated password, shown only now' }),
          }),
        },
      },
    },
    ...errorResponses(409, 413),
  },
})

const updateAccountRoute = apiRoute({
  method: 'patch',
  path: '/api/accounts/{id}',
  tags: ['accounts'],
  summary: "Changes an account's role or password (a new password signs it out everywhere)",
  request: {
    params: idParam,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({ role: role.optional(), password: passwordSchema.optional() })
            .refine((patch) => patch.role !== undefined || patch.password !== undefined, {
              message: 'give role or password',
            }),
        },
      },
    },
  },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: AccountSchema } } },
    ...errorResponses(404, 409, 413),
  },
})

const deleteAccountRoute = apiRoute({
  method: 'delete',
  path: '/api/accounts/{id}',
  tags: ['accounts'],
  summary: 'Deletes an account with its sessions and tokens',
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 409) },
})

const listTokensRoute = apiRoute({
  method: 'get',
  path: '/api/tokens',
  tags: ['tokens'],
  summary: 'API tokens: an admin sees all, a viewer its own (never the secret)',
  responses: {
    200: { description: 'Tokens', content: { 'application/json': { schema: z.array(ApiTokenSchema) } } },
  },
})

const createTokenRoute = apiRoute({
  method: 'post',
  path: '/api/tokens',
  tags: ['tokens'],
  summary: 'Makes an API token for scripts (for this account, or accountId); the secret is returned once',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            name: z.string().min(1).max(100),
            accountId: z.number().int().positive().optional(),
            expiresAt: timeText.optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'Created; send it as Authorization: Bearer <token>',
      content: { 'application/json': { schema: ApiTokenSchema.extend({ token: z.string() }) } },
    },
    ...errorResponses(409, 413),
  },
})

const deleteTokenRoute = apiRoute({
  method: 'delete',
  path: '/api/tokens/{id}',
  tags: ['tokens'],
  summary: 'Revokes an API token',
  request: { params: idParam },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(404) },
})

/** `sessions`: verified sessions, forgotten when their account's role or password changes or it goes. */
export function registerAccountRoutes(
  app: OpenAPIHono<AppEnv>,
  database: Database,
  sessions: SessionCache,
): void {
  const { db } = database

  /** Refuses a change that would leave no admin: nobody could manage the server any more. */
  async function keepAnAdmin(id: number, change: string): Promise<void> {
    const target = (await listAccounts(db)).find((account) => account.id === id)
    if (target?.role === 'admin' && (await countAccounts(db, 'admin')) <= 1)
      throw new HttpProblem(409, 'conflict', `Cannot ${change} the last admin; make another admin first.`)
  }

  app.openapi(listAccountsRoute, async (c) => c.json(toJson(await listAccounts(db)), 200))

  app.openapi(createAccountRoute, async (c) => {
    const body = c.req.valid('json')
    const password = body.password ?? generatePassword()
    const account = await createAccount(
      db,
      { username: body.username, role: body.role, passwordHash: await hashPassword(password) },
      c.get('actor'),
    )
    return c.json({ ...toJson(account), ...(body.password === undefined ? { password } : {}) }, 201)
  })

  app.openapi(updateAccountRoute, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    if (body.role === 'viewer') await keepAnAdmin(id, 'demote')
    const account = await updateAccount(
      db,
      id,
      {
        ...(body.role === undefined ? {} : { role: body.role }),
        ...(body.password === undefined ? {} : { passwordHash: await hashPassword(body.password) }),
      },
      c.get('actor'),
    )
    sessions.forgetAccount(id)
    return c.json(toJson(account), 200)
  })

  app.openapi(deleteAccountRoute, async (c) => {
    const { id } = c.req.valid('param')
    await keepAnAdmin(id, 'delete')
    await deleteAccount(db, id, c.get('actor'))
    sessions.forgetAccount(id)
    return c.body(null, 204)
  })

  app.openapi(listTokensRoute, async (c) => {
    const account = c.get('account')
    const tokens = await listApiTokens(db, account.role === 'admin' ? undefined : account.id)
    return c.json(toJson(tokens), 200)
  })

  app.openapi(createTokenRoute, async (c) => {
    const body = c.req.valid('json')
    const token = newSecret('cct')
    const row = await createApiToken(
      db,
      {
        accountId: body.accountId ?? c.get('account').id,
        name: body.name,
        tokenHash: secretHash(token),
        expiresAt: body.expiresAt ?? null,
      },
      c.get('actor'),
    )
    return c.json({ ...toJson(row), token }, 201)
  })

  app.openapi(deleteTokenRoute, async (c) => {
    await deleteApiToken(db, c.req.valid('param').id, c.get('actor'))
    return c.body(null, 204)
  })
}
