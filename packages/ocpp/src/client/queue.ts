/** The calls a charger queues while offline and sends, in order, once it is back. */
export type QueuedAction =
  | 'StatusNotification'
  | 'MeterValues'
  | 'StartTransaction'
  | 'StopTransaction'
  | 'DataTransfer'

/** One queued call. Transactions are known by a local reference until the server hands out their transactionId. */
export interface QueuedMessage {
  readonly seq: number
  readonly action: QueuedAction
  readonly payload: Record<string, unknown>
  /** A StartTransaction: the reference of the transaction it starts. */
  readonly starts?: string
  /** The payload's transactionId is the one the server gave the transaction with this reference. */
  readonly uses?: string
  /** A StopTransaction: once delivered, its reference is no longer needed. */
  readonly ends?: string
}

export type NewQueuedMessage = Omit<QueuedMessage, 'seq'>

/** A transactionId learned from the answer to a StartTransaction. */
export interface LearnedTransaction {
  ref: string
  transactionId: number
}

export interface QueueContents {
  /** Not delivered yet, oldest first. */
  messages: QueuedMessage[]
  /** The transactionIds learned so far, by reference, for transactions not stopped yet. */
  transactions: Map<string, number>
}

/**
 * Where the client keeps what it has not delivered. `append` resolves once the message is kept (on disk, for the
 * file queue); `delivered` once its removal is. An in-memory and a file-backed implementation come with the
 * package; the pile agent may supply its own (its journal).
 */
export interface OcppQueue {
  load(): Promise<QueueContents>
  append(message: NewQueuedMessage): Promise<QueuedMessage>
  delivered(seq: number, learned?: LearnedTransaction): Promise<void>
  close(): Promise<void>
}

/** What both implementations replay: messages added and delivered, and the transactionIds learned. */
export class QueueState {
  readonly messages = new Map<number, QueuedMessage>()
  readonly transactions = new Map<string, number>()
  lastSeq = 0

  add(message: QueuedMessage): void {
    this.messages.set(message.seq, message)
    this.lastSeq = Math.max(this.lastSeq, message.seq)
  }

  deliver(seq: number, learned?: LearnedTransaction): void {
    const message = this.messages.get(seq)
    this.messages.delete(seq)
    if (learned) this.transactions.set(learned.ref, learned.transactionId)
    if (message?.ends !== undefined) this.transactions.delete(message.ends)
  }

  contents(): QueueContents {
    return {
      messages: [...this.messages.values()].sort((a, b) => a.seq - b.seq),
      transactions: new Map(this.transactions),
    }
  }
}

/** A queue in memory: survives a lost connection, not a restart. */
export function createMemoryQueue(): OcppQueue {
  const state = new QueueState()
  return {
    async load() {
      return state.contents()
    },
    async append(message) {
      const queued = { ...message, seq: state.lastSeq + 1 }
      state.add(queued)
      return queued
    },
    async delivered(seq, learned) {
      state.deliver(seq, learned)
    },
    async close() {},
  }
}
