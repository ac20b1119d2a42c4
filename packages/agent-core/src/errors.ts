import { BaseError } from '@chargechain/errors'

export interface ConfigIssue {
  /** Dotted path of the bad field, e.g. `pile.meter.baudRate`; empty for the whole document. */
  path: string
  /** What was expected and what was found, e.g. `expected 4800 | 9600, got "fast"`. */
  problem: string
}

/** A config file is missing, is not valid JSON, or does not match its schema. Lists every bad field. */
export class ConfigError extends BaseError {
  override readonly name = 'ConfigError'
  readonly file: string
  readonly issues: readonly ConfigIssue[]

  constructor(file: string, summary: string, issues: readonly ConfigIssue[] = [], cause?: unknown) {
    const list = issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.problem}`).join('\n')
    super(`Config ${file}: ${summary}${list ? `\n${list}` : ''}`, { cause })
    this.file = file
    this.issues = issues
  }
}

/** A machine definition is inconsistent (unknown target, missing action); fix the definition. */
export class MachineDefinitionError extends BaseError {
  override readonly name = 'MachineDefinitionError'
}

/** An entry action returned an event its state has no transition for. */
export class InvalidTransitionError extends BaseError {
  override readonly name = 'InvalidTransitionError'
  readonly state: string
  readonly event: string

  constructor(machine: string, state: string, event: string, allowed: readonly string[]) {
    super(
      `Machine ${machine}: state ${state} has no transition for event ${event}; allowed: ${allowed.join(', ') || 'none'}.`,
    )
    this.state = state
    this.event = event
  }
}

/**
 * The journal is damaged before its last line (a torn last line is recovered silently), or records a state the
 * machine does not know. Not retryable: inspect the file, or move it away to start fresh.
 */
export class JournalCorruptError extends BaseError {
  override readonly name = 'JournalCorruptError'
}

/** The journal could not be read or written (disk full, permissions). Retryable once the cause is fixed. */
export class JournalIoError extends BaseError {
  override readonly name = 'JournalIoError'
}

/** The journal was used after `close()`. */
export class JournalClosedError extends BaseError {
  override readonly name = 'JournalClosedError'
}

/** A spawned agent process exited or timed out before reaching what a test waited for. */
export class AgentProcessError extends BaseError {
  override readonly name = 'AgentProcessError'
}

/** What a journal record says it is: the schema that wrote it and its version. */
export interface JournalRecordVersion {
  /** Absent in records written before journals were versioned (read as version 1). */
  schema: string | undefined
  version: number
}

/**
 * A journal's last record was written by another kind of agent, by a newer version, or by an older one this agent
 * cannot migrate: it is refused rather than read as something it is not.
 */
export class JournalVersionError extends BaseError {
  override readonly name = 'JournalVersionError'
  readonly path: string
  readonly found: JournalRecordVersion
  /** The schema and version this agent reads and writes. */
  readonly expected: { schema: string; version: number }

  constructor(
    path: string,
    found: JournalRecordVersion,
    expected: { schema: string; version: number },
    options: { details?: string; cause?: unknown } = {},
  ) {
    super(journalVersionMessage(path, found, expected), options)
    this.path = path
    this.found = found
    this.expected = expected
  }
}

function journalVersionMessage(
  path: string,
  found: JournalRecordVersion,
  expected: { schema: string; version: number },
): string {
  const schema = found.schema ?? expected.schema
  if (schema !== expected.schema)
    return `Journal ${path} is a ${schema} journal, not a ${expected.schema} journal; check the journal path in the config.`
  if (found.version > expected.version)
    return `Journal ${path} was written by a newer agent (${schema} journal version ${found.version}; this agent reads up to ${expected.version}); run the newer agent or move the file away.`
  return `Journal ${path} holds ${schema} journal version ${found.version}, which this agent cannot read (it reads version ${expected.version}); finish with the agent that wrote it or move the file away.`
}
