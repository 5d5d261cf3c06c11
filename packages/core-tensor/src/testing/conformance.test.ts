import { createCpuBackend, createReferenceBackend } from '../index'
import { describeBackend } from './index'

describeBackend('reference', createReferenceBackend)
describeBackend('cpu', createCpuBackend)
