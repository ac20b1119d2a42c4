import { closeSerialPort, openSerialPort } from '../serial/openPort.js'

export interface ProbeHc05Result {
  answered: boolean
  version: string | null
  role: string | null
  state: string | null
}

/**
 * Asks the HC-05 on `path` who it is. It answers AT commands only in command mode: EN (KEY) held high as it powers
 * up, then 38 400 baud whatever its data rate. A module in data mode sends nothing back, which the result shows.
 */
export async function probeHc05(
  options: { path: string; baudRate?: number; timeoutMs?: number },
  print: (line: string) => void,
): Promise<ProbeHc05Result> {
  const baudRate = options.baudRate ?? 38_400
  const port = await openSerialPort({ path: options.path, baudRate })
  let buffer = ''
  port.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1')
  })
  /** Sends one AT command and collects its answer up to OK or ERROR. */
  const ask = async (command: string): Promise<string | undefined> => {
    buffer = ''
    port.write(`${command}\r\n`)
    const until = Date.now() + (options.timeoutMs ?? 1_000)
    while (Date.now() < until) {
      if (/(OK|ERROR(:\(\w+\))?)\r?\n/.test(buffer)) return buffer
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return undefined
  }
  const field = (answer: string | undefined, name: string) =>
    answer ? (new RegExp(`\\+${name}:\\s*([^\\r\\n]+)`).exec(answer)?.[1]?.trim() ?? null) : null
  try {
    print(`HC-05 on ${options.path}, ${baudRate} baud`)
    const hello = await ask('AT')
    if (!hello?.includes('OK')) {
      print('no answer to AT: the module is in data mode, unpowered, or on another baud rate')
      return { answered: false, version: null, role: null, state: null }
    }
    const version = field(await ask('AT+VERSION?'), 'VERSION')
    const role = field(await ask('AT+ROLE?'), 'ROLE')
    const state = field(await ask('AT+STATE?'), 'STATE')
    print(
      `answered: version ${version ?? '?'}, role ${role === '1' ? 'master' : role === '0' ? 'slave' : '?'}, state ${state ?? '?'}`,
    )
    return { answered: true, version, role, state }
  } finally {
    await closeSerialPort(port)
  }
}
