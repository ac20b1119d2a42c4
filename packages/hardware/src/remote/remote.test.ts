import { fork } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MeterReadError } from '../errors.js'
import { createChargingSimulation } from '../simulated/charging.js'
import { createSimulatedClock } from '../simulated/clock.js'
import { createSimulatedInput } from '../simulated/input.js'
import { createSimulatedLights } from '../simulated/lights.js'
import { createSimulatedOutput } from '../simulated/output.js'
import {
  describeClockContract,
  describeDigitalInputContract,
  describeEnergyMeterContract,
  describeIndicatorLightsContract,
  describePowerSwitchContract,
  describeRelayContract,
  describeVehicleEnergyMeterContract,
} from '../testing/index.js'
import { ipcChannel, streamChannel } from './channel.js'
import { type RemoteHardwareOptions, remoteHardware } from './client.js'
import { HardwareBridgeError } from './errors.js'
import { type ServablePart, type ServeHardwareOptions, serveHardware } from './serve.js'

/** Serves `parts` over a real Unix socket and connects a client to it, as two agent processes would. */
async function bridge(
  parts: Record<string, ServablePart>,
  options: { serve?: ServeHardwareOptions; client?: RemoteHardwareOptions } = {},
) {
  const path = join(await mkdtemp(join(tmpdir(), 'bridge-')), 'hw.sock')
  let server!: net.Server
  const accepted = new Promise<net.Socket>((resolve) => {
    server = net.createServer((socket) => {
      server.close()
      resolve(socket)
    })
  })
  await new Promise<void>((resolve) => server.listen(path, resolve))
  const clientSocket = net.connect(path)
  const served = serveHardware(parts, streamChannel(await accepted), options.serve)
  const remote = await remoteHardware(streamChannel(clientSocket), options.client)
  return { remote, served, clientSocket }
}

describeDigitalInputContract('remote input over a Unix socket', async () => {
  const clock = createSimulatedClock()
  const line = createSimulatedInput({ clock, debounceMs: 20 })
  const { remote, served } = await bridge({ line })
  return {
    input: remote.input('line'),
    drive: (level) => line.set(level),
    pass: async (ms) => {
      await clock.advance(ms)
      await remote.sync()
    },
    now: () => clock.now(),
    close: () => remote.close().then(() => served.closed),
  }
})

const outputHarness = async () => {
  const relay = createSimulatedOutput({ clock: createSimulatedClock() })
  const { remote, served } = await bridge({ relay })
  return {
    output: remote.output('relay'),
    observe: () => relay.physical(),
    close: () => remote.close().then(() => served.closed),
  }
}
describeRelayContract('remote relay over a Unix socket', outputHarness)
describePowerSwitchContract('remote HC-05 power over a Unix socket', outputHarness)

async function chargingBridge() {
  const world = createChargingSimulation()
  world.arrive()
  world.plug()
  await world.pile.relay.set(true)
  const { remote, served } = await bridge({ meter: world.pile.meter, carMeter: world.car.meter })
  return {
    world,
    remote,
    flow: () => world.clock.advance(60_000),
    close: async () => {
      await remote.close()
      await served.closed
      await world.close()
    },
  }
}

describeEnergyMeterContract('remote pile meter over a Unix socket', async () => {
  const { world, remote, flow, close } = await chargingBridge()
  return {
    meter: remote.meter('meter'),
    flow,
    failNext: (count) => world.pile.meter.failNext(count, 'crc'),
    close,
  }
})

describeVehicleEnergyMeterContract('remote vehicle meter over a Unix socket', async () => {
  const { world, remote, flow, close } = await chargingBridge()
  return {
    meter: remote.vehicleMeter('carMeter'),
    flow,
    failNext: (count) => world.car.meter.failNext(count),
    close,
  }
})

describeIndicatorLightsContract('remote indicator lights over a Unix socket', async () => {
  const { remote } = await bridge({ lights: createSimulatedLights({ clock: createSimulatedClock() }) })
  return remote.lights('lights')
})

describeClockContract('remote mirror of a running simulated clock', async () => {
  const served = createSimulatedClock({ speed: 10 })
  const { remote } = await bridge({}, { serve: { clock: served } })
  return { clock: remote.clock, pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 10 + 2)) }
})

describe('serveHardware / remoteHardware', () => {
  it('switches the served relay off when the client connection drops', async () => {
    const relay = createSimulatedOutput({ clock: createSimulatedClock() })
    const { remote, served, clientSocket } = await bridge({ relay })
    await remote.output('relay').set(true)
    expect(relay.physical()).toBe(true)
    clientSocket.destroy()
    await served.closed
    expect(relay.physical()).toBe(false)
    await expect(remote.output('relay').set(true)).rejects.toThrow(HardwareBridgeError)
  })

  it('treats a connection reset by a killed peer as the client going away, not as a crash', async () => {
    const relay = createSimulatedOutput({ clock: createSimulatedClock() })
    // A TCP connection, the one kind a test can reset on purpose (RST: the peer sees ECONNRESET on its next read).
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve))
    const clientSocket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
    const served = serveHardware({ relay }, streamChannel(await accepted))
    const remote = await remoteHardware(streamChannel(clientSocket))
    server.close()
    await remote.output('relay').set(true)
    clientSocket.resetAndDestroy()
    await served.closed
    expect(relay.physical()).toBe(false)
  })

  it('switches the relay off when a connected client falls silent past the watchdog', async () => {
    const relay = createSimulatedOutput({ clock: createSimulatedClock() })
    const { remote, served } = await bridge(
      { relay },
      { serve: { watchdogMs: 150 }, client: { heartbeatMs: 60_000 } },
    )
    await remote.output('relay').set(true)
    const started = performance.now()
    await served.closed
    expect(performance.now() - started).toBeGreaterThanOrEqual(100)
    expect(relay.physical()).toBe(false)
  })

  it('keeps the relay on while a quiet client keeps sending heartbeats', async () => {
    const relay = createSimulatedOutput({ clock: createSimulatedClock() })
    const { remote } = await bridge({ relay }, { serve: { watchdogMs: 200 }, client: { heartbeatMs: 50 } })
    await remote.output('relay').set(true)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(relay.physical()).toBe(true)
    await remote.close()
    expect(relay.physical()).toBe(false)
  })

  it('switches the relay off when the driving process is killed with SIGKILL', async () => {
    const relay = createSimulatedOutput({ clock: createSimulatedClock() })
    const script = fileURLToPath(new URL('./fixtures/relayClient.ts', import.meta.url))
    const child = fork(script, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    const served = serveHardware({ relay }, ipcChannel(child))
    await new Promise<void>((resolve) =>
      child.stdout?.on('data', (chunk: Buffer) => chunk.includes('relay on') && resolve()),
    )
    expect(relay.physical()).toBe(true)
    child.kill('SIGKILL')
    await served.closed
    expect(relay.physical()).toBe(false)
  })

  it('rebuilds a meter fault as a retryable MeterReadError with its reason', async () => {
    const { world, remote, close } = await chargingBridge()
    world.pile.meter.failNext(1, 'no-reply')
    const error = await remote
      .meter('meter')
      .read()
      .catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(MeterReadError)
    expect((error as MeterReadError).reason).toBe('no-reply')
    expect((error as MeterReadError).retryable).toBe(true)
    await close()
  })

  it('names what it serves when asked for a part it does not have', async () => {
    const { remote } = await bridge({ relay: createSimulatedOutput({ clock: createSimulatedClock() }) })
    expect(() => remote.meter('meter')).toThrow(/serves no meter named "meter"; it serves relay \(output\)/)
    expect(() => remote.clock).toThrow(HardwareBridgeError)
    await remote.close()
  })

  it('delivers world events as edges and mirrors the served clock', async () => {
    const world = createChargingSimulation({ speed: 100 })
    const { remote } = await bridge(
      { arrival: world.pile.arrival, relay: world.pile.relay },
      { serve: { clock: world.clock } },
    )
    expect(Math.abs(remote.clock.now() - world.clock.now())).toBeLessThan(2_000)
    const arrival = remote.input('arrival')
    const arrived = new Promise((resolve) => arrival.onEdge(resolve))
    world.arrive()
    expect(await arrived).toMatchObject({ level: true })
    expect(arrival.current()).toBe(true)
    await remote.close()
    await world.close()
  })
})
