import { SfApiError } from './api-error.ts'

/** What the object rules need from the org: reads, and writes that skip validation (roll-ups). */
export interface RuleOrg {
  find(objectName: string, id: string): (Record<string, unknown> & { Id: string; IsDeleted: boolean }) | undefined
  records(objectName: string): Iterable<Record<string, unknown> & { Id: string; IsDeleted: boolean }>
  /** A change the org itself makes (a roll-up, a derived value): stamped and announced like any change. */
  applySystem(objectName: string, id: string, values: Record<string, unknown>): void
}

/** Business rules of one standard object, beyond what its describe says. */
export interface ObjectRules {
  /**
   * Before a validated write is stored: derive values and check other records. `values` are the fields
   * being written (mutable), `current` the stored record on update, null on create.
   */
  beforeWrite?(org: RuleOrg, values: Record<string, unknown>, current: Record<string, unknown> | null): void
  /** After a record was created, updated or deleted: keep parents' roll-ups true. */
  afterChange?(org: RuleOrg, record: Record<string, unknown>): void
}

const integrity = (message: string, fields: string[] = []) =>
  new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION', `field integrity exception: ${message}`, fields)

const round2 = (n: number) => Math.round(n * 100) / 100

/** The entry a line points at, which must be live and active. */
function activeEntry(org: RuleOrg, id: unknown): Record<string, unknown> {
  const entry = typeof id === 'string' ? org.find('PricebookEntry', id) : undefined
  if (!entry || entry.IsDeleted)
    throw new SfApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [])
  if (entry.IsActive !== true) throw integrity('PricebookEntryId (pricebook entry is inactive)', ['PricebookEntryId'])
  return entry
}

/**
 * A line's price book must be its header's: a header without one takes the entry's (as Salesforce sets the
 * opportunity's or order's price book from its first product), any other is refused.
 */
function checkHeaderPricebook(
  org: RuleOrg,
  headerObject: string,
  headerId: unknown,
  entry: Record<string, unknown>,
): Record<string, unknown> {
  const header = typeof headerId === 'string' ? org.find(headerObject, headerId) : undefined
  if (!header) throw new SfApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [])
  if (header.Pricebook2Id === null || header.Pricebook2Id === undefined) {
    org.applySystem(headerObject, header.Id as string, { Pricebook2Id: entry.Pricebook2Id })
  } else if (header.Pricebook2Id !== entry.Pricebook2Id) {
    throw integrity(
      `PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the ${headerObject.toLowerCase()})`,
      ['PricebookEntryId'],
    )
  }
  return header
}

/** Sets the header's roll-up field to the sum of its live lines' TotalPrice (null when it has none, for orders 0). */
function rollUp(org: RuleOrg, line: string, parentField: string, header: string, total: string, headerId: unknown) {
  if (typeof headerId !== 'string') return
  const parent = org.find(header, headerId)
  if (!parent || parent.IsDeleted) return
  let sum = 0
  let any = false
  for (const r of org.records(line)) {
    if (r.IsDeleted || r[parentField] !== headerId) continue
    any = true
    sum += Number(r.TotalPrice ?? 0)
  }
  const value = any ? round2(sum) : header === 'Order' ? 0 : parent[total]
  if (parent[total] !== value) org.applySystem(header, headerId, { [total]: value })
}

const closedStages = new Set(['Closed Won', 'Closed Lost'])

/** Rules by object name: pricing, price books and the roll-ups Salesforce keeps. */
export const objectRules: Record<string, ObjectRules> = {
  Opportunity: {
    beforeWrite(_org, values, current) {
      const stage = values.StageName ?? current?.StageName
      if ('StageName' in values || !current) {
        values.IsClosed = closedStages.has(String(stage))
        values.IsWon = stage === 'Closed Won'
      }
    },
  },

  OpportunityLineItem: {
    beforeWrite(org, values, current) {
      const merged = { ...current, ...values }
      if (!current) {
        const entry = activeEntry(org, values.PricebookEntryId)
        const opportunity = checkHeaderPricebook(org, 'Opportunity', values.OpportunityId, entry)
        values.Product2Id = entry.Product2Id
        values.ListPrice = entry.UnitPrice
        values.ProductCode = entry.ProductCode ?? null
        values.Name = `${opportunity.Name} ${entry.Name}`
        const hasUnit = values.UnitPrice !== undefined && values.UnitPrice !== null
        const hasTotal = values.TotalPrice !== undefined && values.TotalPrice !== null
        if (hasUnit && hasTotal)
          throw integrity('TotalPrice (only one of unit price or total price may be specified)', ['TotalPrice'])
        if (!hasUnit && !hasTotal)
          throw integrity('TotalPrice (must specify either TotalPrice or UnitPrice)', ['TotalPrice'])
      }
      const quantity = Number(merged.Quantity)
      const keep = 1 - Number(merged.Discount ?? 0) / 100
      // TotalPrice written: the unit price follows from it; otherwise the total follows from the unit price.
      if (values.TotalPrice !== undefined && values.TotalPrice !== null) {
        values.UnitPrice = quantity > 0 && keep > 0 ? round2(Number(values.TotalPrice) / quantity / keep) : 0
      }
      const unit = Number(values.UnitPrice ?? merged.UnitPrice ?? 0)
      values.TotalPrice = round2(quantity * unit * keep)
    },
    afterChange(org, line) {
      rollUp(org, 'OpportunityLineItem', 'OpportunityId', 'Opportunity', 'Amount', line.OpportunityId)
    },
  },

  OrderItem: {
    beforeWrite(org, values, current) {
      const merged = { ...current, ...values }
      if (!current) {
        const entry = activeEntry(org, values.PricebookEntryId)
        checkHeaderPricebook(org, 'Order', values.OrderId, entry)
        values.Product2Id = entry.Product2Id
        values.ListPrice = entry.UnitPrice
      }
      values.TotalPrice = round2(Number(merged.Quantity) * Number(merged.UnitPrice))
    },
    afterChange(org, line) {
      rollUp(org, 'OrderItem', 'OrderId', 'Order', 'TotalAmount', line.OrderId)
    },
  },

  PricebookEntry: {
    beforeWrite(org, values, current) {
      if (current) return
      const book = org.find('Pricebook2', String(values.Pricebook2Id))
      const product = org.find('Product2', String(values.Product2Id))
      if (!book || !product) return
      const currency = values.CurrencyIsoCode ?? 'USD'
      const entries = [...org.records('PricebookEntry')].filter(
        (e) => !e.IsDeleted && e.Product2Id === product.Id && (e.CurrencyIsoCode ?? 'USD') === currency,
      )
      if (entries.some((e) => e.Pricebook2Id === book.Id)) {
        throw new SfApiError(400, 'DUPLICATE_VALUE', 'This price definition already exists in this price book', [])
      }
      const standard = entries.find((e) => org.find('Pricebook2', String(e.Pricebook2Id))?.IsStandard === true)
      if (book.IsStandard !== true && !standard) {
        throw new SfApiError(400, 'STANDARD_PRICE_NOT_DEFINED', 'No standard price defined for this product', [])
      }
      if (values.UseStandardPrice === true) {
        if (!standard) throw integrity('UseStandardPrice (the standard price book cannot use a standard price)')
        values.UnitPrice = standard.UnitPrice
      }
      values.Name = product.Name
      values.ProductCode = product.ProductCode ?? null
    },
  },
}
