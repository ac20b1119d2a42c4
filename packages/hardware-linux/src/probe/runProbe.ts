/**
 * Runs a probe as the command-line tools do: every line it prints on stdout as it goes, then its result as one JSON
 * line, last. A failure goes to stderr. Resolves with the exit code: 0, or 1 if the device could not be probed.
 */
export async function runProbe(
  probe: (print: (line: string) => void) => Promise<object>,
  out: { stdout: (text: string) => void; stderr: (text: string) => void } = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  try {
    const result = await probe((line) => out.stdout(`${line}\n`))
    out.stdout(`${JSON.stringify(result)}\n`)
    return 0
  } catch (error) {
    out.stderr(`${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}
