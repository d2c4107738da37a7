import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { parseBulkError, rowsToCsv } from '../../../../src/connectors/salesforce/bulk-csv.ts'

describe('Bulk API 2.0 CSV', () => {
  it('writes one column per field of any row, parents by external id, nulls as #N/A and absent as empty', () => {
    const csv = rowsToCsv([
      { ERP_Id__c: 'C-1', Name: 'Acme, "Inc."', Phone: null },
      { ERP_Id__c: 'C-2', Parent: { ERP_Id__c: 'C-1' }, NumberOfEmployees: 12 },
    ])
    expect(parse(csv)).toEqual([
      ['ERP_Id__c', 'Name', 'Phone', 'Parent.ERP_Id__c', 'NumberOfEmployees'],
      ['C-1', 'Acme, "Inc."', '#N/A', '', ''],
      ['C-2', '', '', 'C-1', '12'],
    ])
  })

  it('reads the sf__Error layout, with and without fields', () => {
    expect(
      parseBulkError('INVALID_FIELD:Foreign key external ID: c-404 not found for field ERP_Id__c in entity Account:--'),
    ).toEqual({
      code: 'INVALID_FIELD',
      message: 'Foreign key external ID: c-404 not found for field ERP_Id__c in entity Account',
      fields: [],
    })
    expect(parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --')).toEqual({
      code: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    })
    expect(parseBulkError('something odd')).toMatchObject({ code: 'UNKNOWN_EXCEPTION' })
  })
})
