export { type DevChain, type StartAnvilOptions, startAnvil } from './anvil.js'
export { anvilBinaryPath } from './binary.js'
export { AnvilNotFoundError, AnvilStartError } from './errors.js'
