import { describe, expect, it } from 'vitest'
import { SfApiError } from '../../../../src/connectors/salesforce/sandbox/api-error.ts'
import { Org, type RecordChange } from '../../../../src/connectors/salesforce/sandbox/org.ts'

function refusal(fn: () => unknown): SfApiError {
  try {
    fn()
  } catch (err) {
    if (err instanceof SfApiError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

/** An org with one product priced in the standard book and in a custom one. */
function catalogue() {
  const org = new Org()
  const standard = org.standardPricebookId!
  const product = org.create('Product2', { Name: 'Cà phê Robusta 1kg', ProductCode: 'CF-1', IsActive: true })
  const standardEntry = org.create('PricebookEntry', {
    Pricebook2Id: standard,
    Product2Id: product,
    UnitPrice: 250,
    IsActive: true,
  })
  const account = org.create('Account', { Name: 'Công ty TNHH Tây Nguyên' })
  const opportunity = org.create('Opportunity', {
    Name: 'Tây Nguyên Q1',
    AccountId: account,
    StageName: 'Prospecting',
    CloseDate: '2026-12-31',
  })
  return { org, standard, product, standardEntry, account, opportunity }
}

describe('the sandbox org’s business rules', () => {
  it('has a standard price book and wants a standard price before any other', () => {
    const { org, standard, product } = catalogue()
    expect(org.find('Pricebook2', standard)).toMatchObject({ Name: 'Standard Price Book', IsStandard: true })
    const custom = org.create('Pricebook2', { Name: 'Đại lý', IsActive: true })
    const other = org.create('Product2', { Name: 'Trà xanh', IsActive: true })
    expect(
      refusal(() => org.create('PricebookEntry', { Pricebook2Id: custom, Product2Id: other, UnitPrice: 1 })),
    ).toMatchObject({ errorCode: 'STANDARD_PRICE_NOT_DEFINED', message: 'No standard price defined for this product' })
    const entry = org.create('PricebookEntry', {
      Pricebook2Id: custom,
      Product2Id: product,
      UseStandardPrice: true,
      UnitPrice: 1,
      IsActive: true,
    })
    expect(org.find('PricebookEntry', entry)).toMatchObject({
      UnitPrice: 250,
      Name: 'Cà phê Robusta 1kg',
      ProductCode: 'CF-1',
    })
    expect(
      refusal(() => org.create('PricebookEntry', { Pricebook2Id: custom, Product2Id: product, UnitPrice: 2 })),
    ).toMatchObject({ errorCode: 'DUPLICATE_VALUE' })
  })

  it('prices opportunity lines and rolls their totals up into Amount, as lines come and go', () => {
    const { org, standard, standardEntry, opportunity } = catalogue()
    const line = org.create('OpportunityLineItem', {
      OpportunityId: opportunity,
      PricebookEntryId: standardEntry,
      Quantity: 4,
      UnitPrice: 240,
      Discount: 10,
    })
    expect(org.find('OpportunityLineItem', line)).toMatchObject({ TotalPrice: 864, ListPrice: 250 })
    expect(org.find('Opportunity', opportunity)).toMatchObject({ Amount: 864, Pricebook2Id: standard })
    org.create('OpportunityLineItem', {
      OpportunityId: opportunity,
      PricebookEntryId: standardEntry,
      Quantity: 2,
      TotalPrice: 500,
    })
    expect(org.find('Opportunity', opportunity)?.Amount).toBe(1364)
    org.update('OpportunityLineItem', line, { Quantity: 1 })
    expect(org.find('Opportunity', opportunity)?.Amount).toBe(716)
    org.delete('OpportunityLineItem', line)
    expect(org.find('Opportunity', opportunity)?.Amount).toBe(500)
  })

  it('refuses lines that name both prices or neither, inactive entries and another price book', () => {
    const { org, standardEntry, opportunity, product } = catalogue()
    const line = (extra: object) => () =>
      org.create('OpportunityLineItem', {
        OpportunityId: opportunity,
        PricebookEntryId: standardEntry,
        Quantity: 1,
        ...extra,
      })
    expect(refusal(line({}))).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['TotalPrice'] })
    expect(refusal(line({ UnitPrice: 1, TotalPrice: 1 }))).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' })
    org.update('PricebookEntry', standardEntry, { IsActive: false })
    expect(refusal(line({ UnitPrice: 1 })).message).toContain('pricebook entry is inactive')
    org.update('PricebookEntry', standardEntry, { IsActive: true })
    org.create('OpportunityLineItem', {
      OpportunityId: opportunity,
      PricebookEntryId: standardEntry,
      Quantity: 1,
      UnitPrice: 1,
    })
    const custom = org.create('Pricebook2', { Name: 'Export', IsActive: true })
    const exportEntry = org.create('PricebookEntry', {
      Pricebook2Id: custom,
      Product2Id: product,
      UnitPrice: 9,
      IsActive: true,
    })
    expect(
      refusal(() =>
        org.create('OpportunityLineItem', {
          OpportunityId: opportunity,
          PricebookEntryId: exportEntry,
          Quantity: 1,
          UnitPrice: 9,
        }),
      ).message,
    ).toContain('different pricebook')
  })

  it('derives IsClosed and IsWon from the stage, and recycles lines with their opportunity', () => {
    const { org, standardEntry, opportunity } = catalogue()
    const line = org.create('OpportunityLineItem', {
      OpportunityId: opportunity,
      PricebookEntryId: standardEntry,
      Quantity: 1,
      UnitPrice: 1,
    })
    expect(org.find('Opportunity', opportunity)).toMatchObject({ IsClosed: false, IsWon: false })
    org.update('Opportunity', opportunity, { StageName: 'Closed Won' })
    expect(org.find('Opportunity', opportunity)).toMatchObject({ IsClosed: true, IsWon: true })
    org.delete('Opportunity', opportunity)
    expect(org.find('OpportunityLineItem', line)?.IsDeleted).toBe(true)
  })

  it('numbers orders and totals their products', () => {
    const { org, standardEntry, account } = catalogue()
    const order = org.create('Order', { AccountId: account, EffectiveDate: '2026-11-22' })
    const second = org.create('Order', { AccountId: account, EffectiveDate: '2026-11-22' })
    expect(org.find('Order', order)).toMatchObject({ OrderNumber: '00000001', Status: 'Draft', TotalAmount: 0 })
    expect(org.find('Order', second)?.OrderNumber).toBe('00000002')
    org.create('OrderItem', { OrderId: order, PricebookEntryId: standardEntry, Quantity: 3, UnitPrice: 250 })
    expect(org.find('Order', order)?.TotalAmount).toBe(750)
  })

  it('announces changes once they commit, with the changed fields, and none of a rolled-back transaction', () => {
    const { org, account } = catalogue()
    const seen: RecordChange[] = []
    org.onChange((c) => seen.push(c))
    org.update('Account', account, { Phone: '+84 262 1', Website: 'https://tn.example' })
    expect(seen).toEqual([
      { object: 'Account', id: account, changeType: 'UPDATE', changedFields: ['Phone', 'Website', 'LastModifiedDate'] },
    ])
    seen.length = 0
    expect(() =>
      org.atomically(() => {
        org.create('Account', { Name: 'Rolled back' })
        org.create('Account', {})
      }),
    ).toThrow(SfApiError)
    expect(seen).toEqual([])
    org.delete('Account', account)
    expect(seen).toEqual([{ object: 'Account', id: account, changeType: 'DELETE', changedFields: [] }])
  })
})
