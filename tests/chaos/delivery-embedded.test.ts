import { deliveryUnderFaults, embeddedMode } from './delivery-scenario.ts'

deliveryUnderFaults(embeddedMode)
