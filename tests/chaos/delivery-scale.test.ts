import { deliveryUnderFaults, scaleMode } from './delivery-scenario.ts'

deliveryUnderFaults(scaleMode)
