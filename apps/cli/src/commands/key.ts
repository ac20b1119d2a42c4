import { createKeystore } from '@chargechain/chain'
import type { Command } from 'commander'
import { type GlobalOptions, loadSigner, print } from '../context.js'
import { readPassword } from '../password.js'

export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description('create and inspect chain keys')

  key
    .command('new')
    .description(
      'create a new key in an encrypted keystore file (password from CHARGECHAIN_KEY_PASSWORD or typed)',
    )
    .argument('<file>', 'where to write the keystore (never overwritten)')
    .action(async (file: string, _options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      const password = await readPassword(`Password for the new key: `, { confirm: true })
      const { address, path } = await createKeystore({ path: file, password })
      print(options, [`address  ${address}`, `keystore ${path}`], { address, keystore: path })
    })

  key
    .command('address')
    .description('print the address of --keystore or --private-key (checks the password)')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>()
      const signer = await loadSigner(options)
      print(options, [signer.address], { address: signer.address })
    })
}
