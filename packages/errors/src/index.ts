export { BaseError, type BaseErrorOptions } from './base.js'
