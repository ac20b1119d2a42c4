// A stand-in for the libgpiod v2 command-line tools (gpioset, gpioget, gpiomon), for tests on machines without a GPIO
// chip. It keeps the same arguments, output and exit codes as the real tools for what ChargeChain uses, over a fake chip
// kept in files: $FAKE_GPIO_DIR/<chip>/<offset> holds the line's physical level ("0" or "1", then optionally the
// CLOCK_MONOTONIC nanoseconds at which it changed); <offset>.lock holds the pid of the process that requested the
// line, so a second request fails as the kernel's EBUSY does. A released output keeps its level, as on a Raspberry Pi.
// Run as: node fakeGpiod.mjs <tool> [args…]; FAKE_GPIOD_VERSION sets the version it reports (default 2.2.1).
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'

const [tool, ...argv] = process.argv.slice(2)
const version = process.env.FAKE_GPIOD_VERSION ?? '2.2.1'
const root = process.env.FAKE_GPIO_DIR
const LINES = 54

const die = (message) => {
  process.stderr.write(`${tool}: ${message}\n`)
  process.exit(1)
}

if (argv.includes('-v') || argv.includes('--version')) {
  const license = version.startsWith('1.') ? 'LGPLv2.1' : 'GPL-2.0-or-later'
  process.stdout.write(
    `${tool} (libgpiod) v${version}\nCopyright (C) 2017-2023 Bartosz Golaszewski\nLicense: ${license}\n`,
  )
  process.exit(0)
}
if (!version.startsWith('2.')) die('this fake only plays libgpiod v2 beyond --version')
if (!root) die('FAKE_GPIO_DIR is not set')

// Options as the v2 tools parse them (getopt with '+': options first, then positionals).
const options = { chip: undefined, activeLow: false, banner: false, toggle: undefined, format: undefined }
const positionals = []
const withValue = new Set(['c', 't', 'F', 'b', 'p'])
for (let i = 0; i < argv.length; i++) {
  let arg = argv[i]
  // getopt also takes a short option's value glued on: -t0, -cgpiochip0.
  if (/^-[a-zA-Z].+/.test(arg) && withValue.has(arg[1])) {
    argv.splice(i + 1, 0, arg.slice(2))
    arg = arg.slice(0, 2)
  }
  if (positionals.length > 0 || !arg.startsWith('-')) positionals.push(arg)
  else if (arg === '-c' || arg === '--chip') options.chip = argv[++i]
  else if (arg === '-l' || arg === '--active-low') options.activeLow = true
  else if (arg === '--banner') options.banner = true
  else if (arg === '-t' || arg === '--toggle') options.toggle = argv[++i]
  else if (arg === '-F' || arg === '--format') options.format = argv[++i]
  else if (arg === '-b' || arg === '--bias' || arg === '-p' || arg === '--debounce-period') i++
  else if (arg === '-a' || arg === '--as-is' || arg === '--numeric' || arg === '--unquoted') continue
  else die(`unrecognized option '${arg}'\ntry ${tool} --help`)
}
if (positionals.length !== 1) die('this fake handles exactly one line')

/** Resolves a line id as the v2 tools do: an offset needs --chip; a name is looked up as GPIO<n>. */
function resolve(id) {
  const chip =
    options.chip === undefined
      ? 'gpiochip0'
      : /^\d+$/.test(options.chip)
        ? `gpiochip${options.chip}`
        : options.chip
  if (chip !== 'gpiochip0') die(`cannot find GPIO chip character device '${options.chip}'`)
  let offset
  if (/^\d+$/.test(id) && options.chip !== undefined) offset = Number(id)
  else if (/^GPIO\d+$/.test(id)) offset = Number(id.slice(4))
  else die(`cannot find line '${id}'`)
  if (offset >= LINES) die(`offset ${id} is out of range on chip '${options.chip}'`)
  return { chip, offset, file: join(root, chip, String(offset)) }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Requests the line for this process, as the kernel grants one request per line. */
function request(line) {
  const lock = `${line.file}.lock`
  if (existsSync(lock)) {
    const holder = Number(readFileSync(lock, 'utf8'))
    if (alive(holder)) die(`unable to request lines on chip '/dev/${line.chip}': Device or resource busy`)
    rmSync(lock, { force: true })
  }
  const fd = openSync(lock, 'wx')
  writeSync(fd, String(process.pid))
  closeSync(fd)
  const release = () => rmSync(lock, { force: true })
  process.on('exit', release)
  return release
}

const physical = (line) => (existsSync(line.file) ? readFileSync(line.file, 'utf8').trim().split(' ') : ['0'])
const logical = (level) => (options.activeLow ? level === '0' : level === '1')
const lineId = positionals[0].split('=')[0]

if (tool === 'gpioget') {
  const line = resolve(lineId)
  const release = request(line)
  const active = logical(physical(line)[0])
  release()
  process.stdout.write(`"${lineId}"=${active ? 'active' : 'inactive'}\n`)
  process.exit(0)
}

if (tool === 'gpioset') {
  const [id, value] = positionals[0].split('=')
  const values = {
    1: true,
    active: true,
    on: true,
    true: true,
    0: false,
    inactive: false,
    off: false,
    false: false,
  }
  if (!(value in values)) die(`invalid line value: '${value}'`)
  const line = resolve(id)
  request(line)
  const level = values[value] !== options.activeLow ? '1' : '0'
  writeFileSync(line.file, `${level} ${process.hrtime.bigint()}`)
  if (options.toggle === '0') process.exit(0)
  if (options.banner) process.stdout.write(`Setting line '${id}'...\n`)
  const stop = () => process.exit(0)
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  setInterval(() => {}, 1 << 30)
}

if (tool === 'gpiomon') {
  const line = resolve(lineId)
  request(line)
  let last = physical(line)[0]
  const folder = join(root, line.chip)
  const check = () => {
    const [level, changedNs] = physical(line)
    if (level === last || (level !== '0' && level !== '1')) return
    last = level
    const ns = BigInt(changedNs ?? process.hrtime.bigint())
    const rising = logical(level)
    const seconds = ns / 1_000_000_000n
    const nanos = ns % 1_000_000_000n
    const text = options.format
      ? options.format
          .replaceAll('%e', rising ? '1' : '0')
          .replaceAll('%E', rising ? 'rising' : 'falling')
          .replaceAll('%s', String(seconds))
          .replaceAll('%n', String(nanos))
          .replaceAll('%o', String(line.offset))
      : `${seconds}.${String(nanos).padStart(9, '0')}\t${rising ? 'rising' : 'falling'}\t"${lineId}"`
    process.stdout.write(`${text}\n`)
  }
  watch(folder, check)
  setInterval(check, 25)
  if (options.banner) process.stdout.write(`Monitoring line ${lineId} ...\n`)
  const stop = () => process.exit(0)
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
