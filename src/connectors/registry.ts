import { netsuite } from './netsuite/index.ts'
import { salesforce } from './salesforce/index.ts'
import type { ConnectorType } from './types.ts'

/** Every connector type Tandem knows. A new system is one folder under src/connectors/ and one entry here. */
export const connectorTypes: readonly ConnectorType[] = [salesforce as ConnectorType, netsuite as ConnectorType]

export function connectorType(type: string): ConnectorType | undefined {
  return connectorTypes.find((t) => t.type === type)
}
