import type { SerialPort } from 'serialport'
import { closeSerialPort, openSerialPort } from '../serial/openPort.js'

/** An HC-05 in command (AT) mode on the far end of a pty: answers AT, AT+VERSION?, AT+ROLE?, AT+STATE?. */
export async function startFakeHc05(path: string, options: { role?: 0 | 1 } = {}) {
  const port: SerialPort = await openSerialPort({ path, baudRate: 38_400 })
  let pending = ''
  const answers: Record<string, string> = {
    AT: 'OK\r\n',
    'AT+VERSION?': '+VERSION:2.0-20100601\r\nOK\r\n',
    'AT+ROLE?': `+ROLE:${options.role ?? 0}\r\nOK\r\n`,
    'AT+STATE?': '+STATE:INITIALIZED\r\nOK\r\n',
  }
  port.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('latin1')).split('\r\n')
    pending = lines.pop() ?? ''
    for (const line of lines) port.write(answers[line] ?? 'ERROR:(0)\r\n')
  })
  return { close: () => closeSerialPort(port) }
}
