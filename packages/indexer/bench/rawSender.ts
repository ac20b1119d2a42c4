import { type Hex, numberToHex, type PrivateKeyAccount, type RpcTransactionReceipt } from 'viem'
import { BenchSetupError } from './errors.js'

/**
 * Sends many signed transactions to an anvil whose automine is off, then mines until its pool is empty: thousands of
 * transactions cost a few JSON-RPC batches instead of a round trip and a block each. Nonces are counted here, so
 * nothing waits on the node between two transactions of one account.
 */
export class RawSender {
  private readonly nonces = new Map<Hex, number>()
  private queue: Promise<Hex>[] = []
  private time: number

  constructor(
    private readonly rpcUrl: string,
    private readonly chainId: number,
    /** The timestamp of the first block mined; each further block is `blockSeconds` later. */
    startTime: number,
    private readonly blockSeconds = 12,
  ) {
    this.time = startTime
  }

  async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const [result] = await this.batch<T>([{ method, params }])
    return result as T
  }

  async batch<T>(calls: readonly { method: string; params: unknown[] }[]): Promise<T[]> {
    const body = calls.map((call, id) => ({ jsonrpc: '2.0', id, ...call }))
    const response = await fetch(this.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const answers = (await response.json()) as { id: number; result?: T; error?: { message: string } }[]
    answers.sort((a, b) => a.id - b.id)
    return answers.map((answer) => {
      if (answer.error)
        throw new BenchSetupError(`anvil refused ${calls[answer.id]?.method}: ${answer.error.message}`)
      return answer.result as T
    })
  }

  /** Signs a transaction with the account's next nonce and queues it for `mine`. */
  send(account: PrivateKeyAccount, call: { to: Hex; data: Hex; value?: bigint; gas: bigint }): void {
    const nonce = this.nonces.get(account.address)
    if (nonce === undefined)
      throw new BenchSetupError(`call track(${account.address}) before sending from it`)
    this.nonces.set(account.address, nonce + 1)
    this.queue.push(
      account.signTransaction({
        type: 'eip1559',
        chainId: this.chainId,
        nonce,
        to: call.to,
        data: call.data,
        value: call.value ?? 0n,
        gas: call.gas,
        maxFeePerGas: 100_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
      }),
    )
  }

  /** Reads the account's nonce from the node once; from then on this sender counts it. */
  async track(account: PrivateKeyAccount): Promise<void> {
    const count = await this.rpc<Hex>('eth_getTransactionCount', [account.address, 'pending'])
    this.nonces.set(account.address, Number(count))
  }

  /**
   * Sends every queued transaction, mines blocks (one per `blockSeconds`, as full as the block gas limit allows)
   * until none is pending, and checks that every one succeeded. Returns their receipts, in the order sent.
   */
  async mine(): Promise<RpcTransactionReceipt[]> {
    const raw = await Promise.all(this.queue)
    this.queue = []
    const hashes: Hex[] = []
    for (let i = 0; i < raw.length; i += 500)
      hashes.push(
        ...(await this.batch<Hex>(
          raw.slice(i, i + 500).map((tx) => ({ method: 'eth_sendRawTransaction', params: [tx] })),
        )),
      )
    for (;;) {
      const status = await this.rpc<{ pending: Hex; queued: Hex }>('txpool_status')
      if (Number(status.pending) === 0 && Number(status.queued) === 0) break
      this.time += this.blockSeconds
      await this.rpc('evm_setNextBlockTimestamp', [numberToHex(this.time)])
      await this.rpc('evm_mine')
    }
    const receipts: RpcTransactionReceipt[] = []
    for (let i = 0; i < hashes.length; i += 500)
      receipts.push(
        ...(await this.batch<RpcTransactionReceipt>(
          hashes.slice(i, i + 500).map((hash) => ({ method: 'eth_getTransactionReceipt', params: [hash] })),
        )),
      )
    const failed = receipts.findIndex((receipt) => receipt?.status !== '0x1')
    if (failed >= 0) throw new BenchSetupError(`transaction ${hashes[failed]} failed or was not mined`)
    return receipts
  }
}
