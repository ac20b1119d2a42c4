export { BaseError, type BaseErrorOptions, walk } from './base.js'
