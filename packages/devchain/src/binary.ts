import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AnvilNotFoundError } from './errors.js'

const platformPackages: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
}

/**
 * Path of the anvil binary shipped by @foundry-rs/anvil's platform package. We run it directly rather than through
 * the package's node wrapper: killing the wrapper would leave the node running.
 */
export function anvilBinaryPath(): string {
  const fromEnv = process.env.CHARGECHAIN_ANVIL
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    throw new AnvilNotFoundError([`CHARGECHAIN_ANVIL=${fromEnv}`])
  }
  const packageName = platformPackages[`${process.platform}-${process.arch}`]
  const searched: string[] = []
  if (packageName) {
    const require = createRequire(import.meta.url)
    try {
      const packageDir = dirname(require.resolve(`${packageName}/package.json`))
      const binary = join(packageDir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil')
      searched.push(binary)
      if (existsSync(binary)) return binary
    } catch {
      searched.push(packageName)
    }
  } else {
    searched.push(`no @foundry-rs/anvil package for ${process.platform}-${process.arch}`)
  }
  throw new AnvilNotFoundError(searched)
}
