import { type JournalRecordVersion, JournalVersionError } from './errors.js'

/**
 * What a journal holds. Every record carries the schema's name and version, so a restarted agent never reads a
 * record as something it is not: one of another kind or of a newer version is refused, one of an older version is
 * migrated to the current shape first.
 */
export interface JournalSchema<Value> {
  /** The kind of journal (`pile`, `vehicle`), so one is never opened as another. */
  readonly name: string
  /** The version records are written at. */
  readonly version: number
  /**
   * Reads a value a record of the journal at `path` says it holds (`found`) in the current shape. Throws
   * `JournalVersionError` for another schema, a newer version, an older one without a migration path, or a value its
   * migration refuses.
   */
  read(value: unknown, found: JournalRecordVersion, path: string): Value
}

export interface DefineJournalSchemaParameters {
  name: string
  /** Raise it whenever the value's shape changes, and add the migration from the version before. */
  version: number
  /**
   * `migrations[n]` turns a value of version n into one of version n + 1. Each checks what it is given and throws if
   * it is not a version-n value; the journal then refuses the record.
   */
  migrations?: Readonly<Record<number, (value: unknown) => unknown>>
}

/** A journal schema; `Value` is the shape of the current version, which the last migration must produce. */
export function defineJournalSchema<Value>({
  name,
  version,
  migrations = {},
}: DefineJournalSchemaParameters): JournalSchema<Value> {
  return {
    name,
    version,
    read(value, found, path) {
      const expected = { schema: name, version }
      if ((found.schema !== undefined && found.schema !== name) || found.version > version)
        throw new JournalVersionError(path, found, expected)
      let current = value
      for (let step = found.version; step < version; step++) {
        const migrate = migrations[step]
        if (!migrate)
          throw new JournalVersionError(path, found, expected, {
            details: `No migration from version ${step} to ${step + 1}.`,
          })
        try {
          current = migrate(current)
        } catch (error) {
          throw new JournalVersionError(path, found, expected, {
            details: `The migration from version ${step} to ${step + 1} refused the record.`,
            cause: error,
          })
        }
      }
      // The migrations end at the current version's shape, which is what `Value` names.
      return current as Value
    },
  }
}
