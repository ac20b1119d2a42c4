import { readFile } from 'node:fs/promises'
import { createKeystore } from '@chargechain/chain'
import type { Command } from 'commander'

/**
 * `keygen <file>`: a new chain key for this agent, in an encrypted keystore v3 file (scrypt). The password comes from
 * `--password-file` (a systemd credential, say) or the CHARGECHAIN_KEY_PASSWORD variable, never from the command line.
 * Prints the address and the file, then both as one JSON line.
 */
export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description("create this agent's chain key in an encrypted keystore v3 file (never overwritten)")
    .argument('<file>', 'where to write the keystore')
    .option('--password-file <file>', 'read the password from this file (else CHARGECHAIN_KEY_PASSWORD)')
    .action(async (file: string, options: { passwordFile?: string }) => {
      const password =
        options.passwordFile === undefined
          ? process.env.CHARGECHAIN_KEY_PASSWORD
          : (await readFile(options.passwordFile, 'utf8')).replace(/\r?\n$/, '')
      if (password === undefined) {
        process.stderr.write(
          'keygen: no password: pass --password-file FILE or set CHARGECHAIN_KEY_PASSWORD.\n',
        )
        process.exit(2)
      }
      const { address, path } = await createKeystore({ path: file, password })
      process.stdout.write(
        `address  ${address}\nkeystore ${path}\n${JSON.stringify({ address, keystore: path })}\n`,
      )
    })
}
