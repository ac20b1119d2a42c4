export { type DevChain, type StartAnvilOptions, startAnvil } from './anvil.js'
export { anvilBinaryPath } from './binary.js'
export { AnvilAccountError, AnvilNotFoundError, AnvilStartError } from './errors.js'
