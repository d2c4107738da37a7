import { describe, expect, it } from 'vitest'
import { SfApiError } from '../../../../src/connectors/salesforce/sandbox/api-error.ts'
import { Org } from '../../../../src/connectors/salesforce/sandbox/org.ts'

function refusal(fn: () => unknown): SfApiError {
  try {
    fn()
  } catch (err) {
    if (err instanceof SfApiError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

describe('the sandbox org', () => {
  it('keeps SystemModstamp strictly increasing even when the clock stands still', () => {
    const org = new Org({ now: () => 1_700_000_000_000 })
    const a = org.create('Account', { Name: 'A' })
    const b = org.create('Account', { Name: 'B' })
    org.update('Account', a, { Phone: '1' })
    const stamps = [org.find('Account', b)!.SystemModstamp, org.find('Account', a)!.SystemModstamp]
    expect(stamps[1]).toBeGreaterThan(stamps[0]!)
  })

  it('fills defaults and audit fields on create', () => {
    const org = new Org()
    const id = org.create('Account', { Name: 'Công ty TNHH Sài Gòn' })
    expect(org.find('Account', id)).toMatchObject({
      Id: id,
      OwnerId: org.userId,
      CreatedById: org.userId,
      CurrencyIsoCode: 'USD',
      IsDeleted: false,
      Phone: null,
    })
    const user = org.find(
      'User',
      org.create('User', { FirstName: 'Sarah', LastName: 'Johnson', Username: 's@x.io', Email: 's@x.io', Alias: 'sj' }),
    )
    expect(user).toMatchObject({ Name: 'Sarah Johnson', IsActive: true })
  })

  it('validates writes with Salesforce’s codes and messages', () => {
    const org = new Org()
    expect(refusal(() => org.create('Account', { AccountNumber: 'X' }))).toMatchObject({
      status: 400,
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    })
    expect(refusal(() => org.create('Account', { Name: 'A', Foo__c: 1 }))).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: "No such column 'Foo__c' on sobject of type Account",
    })
    expect(refusal(() => org.create('Account', { Name: 'A', Tax_Id__c: 'x'.repeat(21) }))).toMatchObject({
      errorCode: 'STRING_TOO_LONG',
      fields: ['Tax_Id__c'],
    })
    expect(refusal(() => org.create('Account', { Name: 'A', CurrencyIsoCode: 'EUR' }))).toMatchObject({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: 'CurrencyIsoCode: bad value for restricted picklist field: EUR',
    })
    expect(refusal(() => org.create('Account', { Name: 'A', OwnerId: 'abc' }))).toMatchObject({
      errorCode: 'MALFORMED_ID',
    })
    const account = org.create('Account', { Name: 'Parent' })
    expect(refusal(() => org.create('Account', { Name: 'A', OwnerId: account }))).toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: `Owner ID: id value of incorrect type: ${account}`,
    })
    expect(refusal(() => org.create('Account', { Name: 'A', OwnerId: `${org.userId.slice(0, 14)}9` }))).toMatchObject({
      errorCode: 'INVALID_CROSS_REFERENCE_KEY',
    })
    expect(refusal(() => org.create('Account', { Id: account, Name: 'A' }))).toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    })
    expect(refusal(() => org.update('Account', account, { Name: null }))).toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
    })
    expect(refusal(() => org.update('Account', account, { CreatedDate: '2024-01-01T00:00:00Z' }))).toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    })
  })

  it('finds records like the REST API: ext-id 404 for a non-id, MALFORMED_ID for another object, deleted ones refused', () => {
    const org = new Org()
    const id = org.create('Account', { Name: 'A' })
    expect(refusal(() => org.get('Account', 'not-an-id'))).toMatchObject({
      status: 404,
      message: 'Provided external ID field does not exist or is not accessible: not-an-id',
    })
    expect(refusal(() => org.get('Account', org.userId))).toMatchObject({
      status: 400,
      errorCode: 'MALFORMED_ID',
      fields: ['Id'],
    })
    expect(org.get('Account', id.slice(0, 15)).Id).toBe(id)
    org.delete('Account', id)
    expect(refusal(() => org.get('Account', id))).toMatchObject({ status: 404, errorCode: 'ENTITY_IS_DELETED' })
    expect(refusal(() => org.delete('Account', id))).toMatchObject({ errorCode: 'ENTITY_IS_DELETED' })
  })

  it('upserts by external id: insert, update on a case-insensitive match, 300 on several, never a recycled record', () => {
    const org = new Org()
    const first = org.upsert('Account', 'ERP_Customer_Id__c', 'C-100', { Name: 'A' }, '62.0')
    expect(first.created).toBe(true)
    expect(org.upsert('Account', 'erp_customer_id__c', 'c-100', { Phone: '1' }, '62.0')).toEqual({
      id: first.id,
      created: false,
    })
    expect(org.find('Account', first.id)).toMatchObject({ Name: 'A', Phone: '1', ERP_Customer_Id__c: 'C-100' })
    org.create('Account', { Name: 'B', ERP_Customer_Id__c: 'C-100' })
    const multiple = refusal(() => org.upsert('Account', 'ERP_Customer_Id__c', 'C-100', { Phone: '2' }, '62.0'))
    expect(multiple.status).toBe(300)
    expect(multiple.toBody()).toHaveLength(2)
    expect(refusal(() => org.upsert('Account', 'Phone', 'x', {}, '62.0'))).toMatchObject({
      status: 404,
      message: 'Provided external ID field does not exist or is not accessible: Phone',
    })
    const gone = org.upsert('Account', 'External_Key__c', 'K-1', { Name: 'Gone' }, '62.0')
    org.delete('Account', gone.id)
    expect(org.upsert('Account', 'External_Key__c', 'K-1', { Name: 'Again' }, '62.0')).toMatchObject({ created: true })
  })

  it('refuses a second record with the same unique value', () => {
    const org = new Org()
    const a = org.create('Account', { Name: 'A', External_Key__c: 'k-1' })
    const err = refusal(() => org.create('Account', { Name: 'B', External_Key__c: 'K-1' }))
    expect(err).toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
      message: `duplicate value found: External_Key__c duplicates value on record with id: ${a}`,
    })
    const b = org.create('Account', { Name: 'B', External_Key__c: 'k-2' })
    expect(refusal(() => org.update('Account', b, { External_Key__c: 'k-1' })).errorCode).toBe('DUPLICATE_VALUE')
    org.update('Account', a, { External_Key__c: 'k-1' })
  })

  it('resolves a parent named by its external id in the body', () => {
    const org = new Org()
    const rep = org.create('User', {
      LastName: 'Trần Thị Bích',
      Username: 'bich@x.vn',
      Email: 'bich@x.vn',
      Alias: 'bich',
    })
    const id = org.create('Account', { Name: 'A', Owner: { Username: 'BICH@x.vn' } })
    expect(org.find('Account', id)?.OwnerId).toBe(rep)
    expect(refusal(() => org.create('Account', { Name: 'A', Owner: { Username: 'nobody@x.vn' } })).message).toBe(
      'Foreign key external ID: nobody@x.vn not found for field Username in entity User',
    )
    expect(
      refusal(() => org.create('Account', { Name: 'A', OwnerId: rep, Owner: { Username: 'bich@x.vn' } })).errorCode,
    ).toBe('INVALID_FIELD')
  })

  it('undoes every change of a failed atomic block, index included', () => {
    const org = new Org()
    const kept = org.create('Account', { Name: 'Kept', External_Key__c: 'K-0' })
    expect(() =>
      org.atomically(() => {
        org.create('Account', { Name: 'Ghost', External_Key__c: 'K-1' })
        org.update('Account', kept, { Name: 'Changed', External_Key__c: 'K-9' })
        throw new Error('roll back')
      }),
    ).toThrow('roll back')
    expect(org.count('Account')).toBe(1)
    expect(org.find('Account', kept)).toMatchObject({ Name: 'Kept', External_Key__c: 'K-0' })
    expect(org.matchExternal('Account', 'External_Key__c', 'K-1')).toEqual([])
    expect(org.matchExternal('Account', 'External_Key__c', 'K-9')).toEqual([])
    expect(org.matchExternal('Account', 'External_Key__c', 'K-0')).toEqual([kept])
  })
})
