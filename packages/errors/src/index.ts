export { BaseError, type BaseErrorOptions, walk } from './base.js'
export { defined, MissingValueError } from './defined.js'
