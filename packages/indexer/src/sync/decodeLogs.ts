import type { Deployment } from '@chargechain/chain'
import { paymentChannelsAbi, pileRegistryAbi, sessionEscrowAbi } from '@chargechain/contracts'
import type { Hex } from '@chargechain/db'
import { type AbiEvent, type AbiParameter, decodeAbiParameters, type RpcLog, toEventSelector } from 'viem'
import { jsonify, type StoredEvent } from '../events.js'
import { type StaticDecoder, staticDecoder, staticListDecoder } from './staticAbi.js'

/*
 * eth_getLogs answers, decoded straight into the stored form. The same decoding as @chargechain/chain's
 * decodeChargeChainLogs (viem's ABI decoder, the contract chosen by address alone), without what a backfill of
 * thousands of logs cannot afford per log: finding the ABI item by hashing every event's signature again, formatting
 * the log first and copying it into each step's object, and viem's generic decoding of values that are all static
 * (`staticAbi.ts` reads those from the hex; anything else still goes through viem). Profiling a 10,000-session
 * catch-up put viem's parseEventLogs at a fifth of the indexer's time, then its decodeAbiParameters at a tenth.
 */

interface Decoder {
  contract: StoredEvent['contract']
  eventName: string
  /** Named after the subject: the pile, session or channel the event is about. */
  subjectArg: string
  indexed: readonly AbiParameter[]
  /** Per indexed input, its reader when the topic holds the value (a static type), not its hash. */
  topicReaders: readonly (StaticDecoder | undefined)[]
  data: readonly AbiParameter[]
  /** The data's values when every data input is static (all the followed events'), without viem. */
  readData: ((hex: string) => unknown[]) | undefined
}

const contracts = [
  { contract: 'pileRegistry', abi: pileRegistryAbi, subjectArg: 'pileId' },
  { contract: 'sessionEscrow', abi: sessionEscrowAbi, subjectArg: 'sessionId' },
  { contract: 'paymentChannels', abi: paymentChannelsAbi, subjectArg: 'channelId' },
] as const

/** Types an indexed topic holds as is; any other indexed value is only its hash in the topic. */
const staticType = /^(address|bool|bytes([1-9]|[12]\d|3[0-2])|u?int\d*)$/

/** topic0 → decoder, per contract; the funds events (`Credited`, `Withdrawn`) have none, as they are not stored. */
const decoders = new Map(
  contracts.map(({ contract, abi, subjectArg }) => [
    contract,
    new Map(
      abi
        .filter((item): item is Extract<(typeof abi)[number], AbiEvent> => item.type === 'event')
        .filter((item) => item.name !== 'Credited' && item.name !== 'Withdrawn')
        .map((item): [Hex, Decoder] => {
          const indexed = item.inputs.filter((input) => 'indexed' in input && input.indexed)
          const data = item.inputs.filter((input) => !('indexed' in input && input.indexed))
          return [
            toEventSelector(item),
            {
              contract,
              eventName: item.name,
              subjectArg,
              indexed,
              topicReaders: indexed.map((input) =>
                staticType.test(input.type) ? staticDecoder(input) : undefined,
              ),
              data,
              readData: staticListDecoder(data),
            },
          ]
        }),
    ),
  ]),
)

/**
 * The followed events among `logs` (one eth_getLogs answer), in chain order. A log at another address, or of no
 * followed event, or that does not decode as its event, is left out, as decodeChargeChainLogs leaves it out.
 * `blockTime` gives each block's time.
 */
export function decodeLogs(
  deployment: Deployment,
  logs: readonly RpcLog[],
  blockTime: (blockHash: Hex) => Date | undefined,
): StoredEvent[] {
  const byAddress = new Map<string, ReadonlyMap<Hex, Decoder> | undefined>([
    [deployment.contracts.pileRegistry.toLowerCase(), decoders.get('pileRegistry')],
    [deployment.contracts.sessionEscrow.toLowerCase(), decoders.get('sessionEscrow')],
    [deployment.contracts.paymentChannels.toLowerCase(), decoders.get('paymentChannels')],
  ])
  const events: StoredEvent[] = []
  for (const log of logs) {
    const [topic0, ...topics] = log.topics
    const decoder = topic0 && byAddress.get(log.address.toLowerCase())?.get(topic0)
    if (!decoder || log.blockHash === null || log.blockNumber === null || log.logIndex === null) continue
    if (log.transactionHash === null || topics.length !== decoder.indexed.length) continue
    const blockHash = log.blockHash.toLowerCase() as Hex
    const time = blockTime(blockHash)
    if (time === undefined) continue
    const args = decodeArgs(decoder, topics, log.data)
    if (!args) continue
    events.push({
      blockNumber: Number(log.blockNumber),
      logIndex: Number(log.logIndex),
      blockHash,
      blockTime: time,
      transactionHash: log.transactionHash.toLowerCase() as Hex,
      subject: args[decoder.subjectArg] as Hex,
      contract: decoder.contract,
      eventName: decoder.eventName,
      args,
    } as StoredEvent)
  }
  return events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
}

const word = /^0x[0-9a-f]{64}$/
const evenHex = /^0x(?:[0-9a-f]{2})*$/

/**
 * A log's arguments in stored form, or undefined if they do not decode. Well-formed hex is read by the static
 * decoders; anything else goes through viem, which decides as it always did.
 */
function decodeArgs(
  decoder: Decoder,
  topics: readonly Hex[],
  data: Hex,
): Record<string, unknown> | undefined {
  try {
    const args: Record<string, unknown> = {}
    decoder.indexed.forEach((input, i) => {
      const topic = (topics[i] ?? '0x').toLowerCase()
      const reader = decoder.topicReaders[i]
      args[input.name ?? ''] =
        reader && word.test(topic)
          ? reader.read(topic.slice(2), 0)
          : staticType.test(input.type)
            ? jsonify(decodeAbiParameters([input], topic as Hex)[0])
            : topic
    })
    const hex = data.toLowerCase()
    const values =
      decoder.data.length === 0
        ? []
        : decoder.readData && evenHex.test(hex)
          ? decoder.readData(hex.slice(2))
          : decodeAbiParameters(decoder.data, data).map(jsonify)
    decoder.data.forEach((input, i) => {
      args[input.name ?? ''] = values[i]
    })
    return args
  } catch {
    return undefined
  }
}
