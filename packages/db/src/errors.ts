import { BaseError } from '@chargechain/errors'

/** Every error of the db package. */
export abstract class DbError extends BaseError {}

/** Another process holds the embedded database's data folder; two writers would corrupt it. */
export class DataDirInUseError extends DbError {
  override readonly name = 'DataDirInUseError'
  readonly dataDir: string
  readonly pid: number

  constructor(dataDir: string, pid: number) {
    super(
      `The database folder ${dataDir} is in use by process ${pid}; stop it, or point both at one PostgreSQL with DATABASE_URL.`,
    )
    this.dataDir = dataDir
    this.pid = pid
  }
}

/** The database could not be reached or opened. Retryable: PostgreSQL may be starting. */
export class DatabaseUnavailableError extends DbError {
  override readonly name = 'DatabaseUnavailableError'

  constructor(where: string, cause: unknown) {
    super(`Cannot open the database at ${where}; check that it runs and the URL or folder is right.`, {
      cause,
      retryable: true,
    })
  }
}

/** The database holds a migration this build does not know: a newer ChargeChain migrated it. */
export class DatabaseAheadError extends DbError {
  override readonly name = 'DatabaseAheadError'
  readonly tags: readonly string[]

  constructor(tags: readonly string[]) {
    super(
      `The database has migrations this version does not know (${tags.join(', ')}); run a newer ChargeChain.`,
    )
    this.tags = tags
  }
}

/** A migration already applied differs from the one in this build: a committed migration was edited. */
export class MigrationChangedError extends DbError {
  override readonly name = 'MigrationChangedError'
  readonly tag: string

  constructor(tag: string) {
    super(
      `Migration ${tag} was applied with different SQL than this build has; never edit a committed migration, add a new one.`,
    )
    this.tag = tag
  }
}

/** A stored value is not what its column promises (written by hand, outside these queries). */
export class StoredValueError extends DbError {
  override readonly name = 'StoredValueError'

  constructor(value: string, expected: string) {
    super(
      `Stored value ${JSON.stringify(value.slice(0, 80))} is not ${expected}; fix the row that was written by hand.`,
    )
  }
}

/** A page cursor that these queries did not hand out (edited, or from another list). */
export class InvalidCursorError extends DbError {
  override readonly name = 'InvalidCursorError'

  constructor(cursor: string) {
    super(
      `Cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this list handed out; start from the first page.`,
    )
  }
}

/** A query was asked for something out of range (a page size, a day); the caller's input is wrong. */
export class InvalidParameterError extends DbError {
  override readonly name = 'InvalidParameterError'
  readonly parameter: string

  constructor(parameter: string, expected: string, received: unknown) {
    super(`${parameter} must be ${expected}; got ${JSON.stringify(received)}.`)
    this.parameter = parameter
  }
}

/** The row asked for does not exist. */
export class NotFoundError extends DbError {
  override readonly name = 'NotFoundError'
  readonly subject: string

  constructor(subject: string) {
    super(`There is no ${subject}; check the id.`)
    this.subject = subject
  }
}

/** The change would duplicate a unique value (a DMID, a username, a charger id) or orphan rows that refer to it. */
export class ConflictError extends DbError {
  override readonly name = 'ConflictError'
  readonly subject: string

  constructor(subject: string, problem: string, cause?: unknown) {
    super(`Cannot change ${subject}: ${problem}.`, { cause })
    this.subject = subject
  }
}
