import { crashMatrix } from './crash/suite.js'

crashMatrix('pile')
