// `npm run api-types`: writes the dashboard's API types from the server's current OpenAPI document.
import { writeFile } from 'node:fs/promises'
import { apiTypesPath, apiTypesSource, serverOpenApiDocument } from './apiTypes.js'

await writeFile(apiTypesPath, await apiTypesSource(await serverOpenApiDocument()))
