// The committed dashboard API types are what openapi-typescript makes of the server's current OpenAPI document.
// Break tried: a field added to the server's Pile schema without `npm run api-types` fails the comparison.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { apiTypesPath, apiTypesSource, serverOpenApiDocument } from './apiTypes.js'

describe('the dashboard API types', () => {
  it('match the server OpenAPI document (after a server API change: npm run api-types)', async () => {
    const committed = await readFile(apiTypesPath, 'utf8').catch(() => 'no file: run npm run api-types')
    expect(committed).toBe(await apiTypesSource(await serverOpenApiDocument()))
  })
})
