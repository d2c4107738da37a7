import { describe, expect, it } from 'vitest'
import { SfApiError } from '../../../../src/connectors/salesforce/sandbox/api-error.ts'
import { defaultSchema } from '../../../../src/connectors/salesforce/sandbox/default-schema.ts'
import { Org } from '../../../../src/connectors/salesforce/sandbox/org.ts'
import { parseObjectDescribes } from '../../../../src/connectors/salesforce/sandbox/schema.ts'
import { evaluate } from '../../../../src/connectors/salesforce/sandbox/soql/evaluate.ts'
import { parseSoql } from '../../../../src/connectors/salesforce/sandbox/soql/parse.ts'

// A project object with an optional parent, loaded as describe data like a file from a real org.
const [project] = parseObjectDescribes({
  name: 'Project__c',
  keyPrefix: 'a01',
  fields: [
    { name: 'Id', type: 'id', nillable: false, createable: false, updateable: false, defaultedOnCreate: true },
    { name: 'Name', type: 'string', length: 80, nillable: false },
    { name: 'Account__c', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account__r', length: 18 },
    ...['CreatedDate', 'LastModifiedDate', 'SystemModstamp'].map((name) => ({
      name,
      type: 'datetime',
      createable: false,
      updateable: false,
    })),
    { name: 'CreatedById', type: 'reference', referenceTo: ['User'], createable: false, updateable: false },
    { name: 'LastModifiedById', type: 'reference', referenceTo: ['User'], createable: false, updateable: false },
    { name: 'IsDeleted', type: 'boolean', createable: false, updateable: false },
  ],
})

const now = Date.parse('2026-11-22T12:00:00Z')
let clock = Date.parse('2026-11-20T08:00:00Z')
const org = new Org({ now: () => clock, schema: [...defaultSchema(), project!] })
const rep = org.insertSystem('User', {
  LastName: 'Nguyễn Văn An',
  Username: 'an@example.com',
  Email: 'an@example.com',
  Alias: 'an',
})
const rows = [
  {
    Name: 'Alpha',
    Industry: 'Retail',
    NumberOfEmployees: 10,
    BillingCity: 'Hà Nội',
    Tax_Id__c: '50%_off',
    OwnerId: rep,
  },
  { Name: 'beta', Industry: 'Banking', NumberOfEmployees: 250, BillingCity: null, Tax_Id__c: '50ab_off' },
  { Name: 'Gamma', Industry: 'Retail', NumberOfEmployees: null, BillingCity: 'Đà Nẵng' },
  { Name: 'Delta', Industry: 'Technology', NumberOfEmployees: 40, BillingCity: 'Huế' },
  { Name: 'Epsilon', Industry: 'Retail', NumberOfEmployees: 1 },
]
// One account a day, 20–24 November 08:00Z; the last one is deleted.
const ids = rows.map((r) => {
  const id = org.create('Account', r)
  clock += 86_400_000
  return id
})
org.delete('Account', ids[4]!)
org.create('Project__c', { Name: 'Kho lạnh Hà Nội', Account__c: ids[0] })
org.create('Project__c', { Name: 'Unassigned' })

const run = (soql: string, includeDeleted = false) =>
  evaluate(org, soql, parseSoql(soql), { version: '62.0', includeDeleted, now })
const names = (where: string, orderBy = 'Name') =>
  run(`SELECT Name FROM Account WHERE ${where} ORDER BY ${orderBy}`).records.map((r) => r.Name)
function refused(soql: string): SfApiError {
  try {
    run(soql)
  } catch (err) {
    if (err instanceof SfApiError) return err
    throw err
  }
  throw new Error(`expected ${soql} to be refused`)
}

describe('SOQL evaluation in the sandbox', () => {
  it('compares text case-insensitively with = and !=, keeping nulls for !=', () => {
    expect(names("Name = 'BETA'")).toEqual(['beta'])
    expect(names("BillingCity != 'Huế'")).toEqual(['Alpha', 'beta', 'Gamma'])
  })

  it('orders numbers and text with <, >, <= and >=, never matching nulls', () => {
    expect(names('NumberOfEmployees < 40')).toEqual(['Alpha'])
    expect(names('NumberOfEmployees <= 40')).toEqual(['Alpha', 'Delta'])
    expect(names('NumberOfEmployees > 40')).toEqual(['beta'])
    expect(names('NumberOfEmployees >= 40')).toEqual(['beta', 'Delta'])
    expect(names("Name < 'c'")).toEqual(['Alpha', 'beta'])
  })

  it('matches LIKE patterns with % and _, and \\% \\_ as literal characters', () => {
    expect(names("Name LIKE '%ta'")).toEqual(['beta', 'Delta'])
    expect(names("Name LIKE '_AMMA'")).toEqual(['Gamma'])
    expect(names("Tax_Id__c LIKE '50%_off'")).toEqual(['Alpha', 'beta'])
    expect(names("Tax_Id__c LIKE '50\\%\\_%'")).toEqual(['Alpha'])
  })

  it('handles IN and NOT IN, with null as a value and NOT IN keeping nulls', () => {
    expect(names("Industry IN ('Technology', 'BANKING')")).toEqual(['beta', 'Delta'])
    expect(names("Industry NOT IN ('Retail')")).toEqual(['beta', 'Delta'])
    expect(names("BillingCity NOT IN ('Huế', 'Hà Nội')")).toEqual(['beta', 'Gamma'])
    expect(names("BillingCity IN (null, 'Huế')")).toEqual(['beta', 'Delta'])
  })

  it('matches null with = null and != null', () => {
    expect(names('BillingCity = null')).toEqual(['beta'])
    expect(names('NumberOfEmployees != null')).toEqual(['Alpha', 'beta', 'Delta'])
  })

  it('applies NOT to the next term, and AND/OR as grouped', () => {
    expect(names("NOT Industry = 'Retail' AND NumberOfEmployees > 100")).toEqual(['beta'])
    expect(names("NOT (Industry = 'Retail' OR Industry = 'Banking')")).toEqual(['Delta'])
    expect(names("(Industry = 'Banking' OR Industry = 'Retail') AND NumberOfEmployees > 5")).toEqual(['Alpha', 'beta'])
    expect(names("Industry = 'Banking' OR (Industry = 'Retail' AND NumberOfEmployees > 5)")).toEqual(['Alpha', 'beta'])
  })

  it('compares booleans', () => {
    expect(names('IsDeleted = false')).toEqual(['Alpha', 'beta', 'Delta', 'Gamma'])
  })

  it('compares datetimes as instants, whatever the offset written', () => {
    expect(names('CreatedDate >= 2026-11-22T00:00:00Z')).toEqual(['Delta', 'Gamma'])
    expect(names('CreatedDate >= 2026-11-22T07:00:00+07:00')).toEqual(['Delta', 'Gamma'])
    expect(names('CreatedDate < 2026-11-21T15:00:00+07:00')).toEqual(['Alpha'])
    expect(names('CreatedDate = 2026-11-21T08:00:00.000Z')).toEqual(['beta'])
  })

  it('evaluates date literals against the org clock', () => {
    expect(names('CreatedDate = TODAY')).toEqual(['Gamma'])
    expect(names('CreatedDate = YESTERDAY')).toEqual(['beta'])
    expect(names('CreatedDate = LAST_N_DAYS:2')).toEqual(['beta', 'Gamma'])
    expect(names('CreatedDate > TODAY')).toEqual(['Delta'])
    expect(names('CreatedDate = THIS_MONTH')).toEqual(['Alpha', 'beta', 'Delta', 'Gamma'])
  })

  it('orders by several fields and directions, placing nulls as asked', () => {
    expect(names('IsDeleted = false', 'Industry ASC, Name DESC')).toEqual(['beta', 'Gamma', 'Alpha', 'Delta'])
    expect(names('IsDeleted = false', 'NumberOfEmployees ASC NULLS LAST')).toEqual(['Alpha', 'Delta', 'beta', 'Gamma'])
    expect(names('IsDeleted = false', 'NumberOfEmployees DESC NULLS FIRST')).toEqual([
      'Gamma',
      'beta',
      'Delta',
      'Alpha',
    ])
    expect(names('IsDeleted = false', 'NumberOfEmployees')).toEqual(['Gamma', 'Alpha', 'Delta', 'beta'])
  })

  it('cuts with LIMIT and OFFSET after ordering', () => {
    expect(run('SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1').records.map((r) => r.Name)).toEqual([
      'beta',
      'Delta',
    ])
    expect(run('SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1').totalSize).toBe(2)
  })

  it('shapes records with attributes and the selected fields in their API spelling', () => {
    const [r] = run(`SELECT name, NUMBEROFEMPLOYEES, CreatedDate FROM account WHERE Id = '${ids[0]}'`).records
    expect(r).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${ids[0]}` },
      Name: 'Alpha',
      NumberOfEmployees: 10,
      // The org's own user took the first stamps of this frozen millisecond; stamps never repeat.
      CreatedDate: expect.stringMatching(/^2026-11-20T08:00:00\.\d{3}\+0000$/),
    })
  })

  it('follows parent relationships in SELECT, WHERE and ORDER BY', () => {
    const res = run(
      "SELECT Name, Owner.Name, Owner.Username FROM Account WHERE Owner.Name LIKE 'Nguyễn%' ORDER BY Owner.Name",
    )
    expect(res.records).toEqual([
      {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${ids[0]}` },
        Name: 'Alpha',
        Owner: {
          attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${rep}` },
          Name: 'Nguyễn Văn An',
          Username: 'an@example.com',
        },
      },
    ])
  })

  it('answers null for a missing parent', () => {
    const res = run('SELECT Name, Account__r.Name FROM Project__c ORDER BY Name')
    expect(res.records.map((r) => [r.Name, r.Account__r])).toEqual([
      ['Kho lạnh Hà Nội', expect.objectContaining({ Name: 'Alpha' })],
      ['Unassigned', null],
    ])
  })

  it('counts with COUNT(), returning no records', () => {
    expect(run("SELECT COUNT() FROM Account WHERE Industry = 'Retail'")).toEqual({ totalSize: 2, records: [] })
  })

  it('matches ids given in 15 or 18 characters, and refuses a malformed one', () => {
    const id18 = ids[1]!
    expect(names(`Id = '${id18.slice(0, 15)}'`)).toEqual(['beta'])
    expect(names(`Id IN ('${id18.toLowerCase()}', '${ids[3]}')`)).toEqual(['beta', 'Delta'])
    expect(names(`OwnerId = '${rep}'`)).toEqual(['Alpha'])
    const err = refused("SELECT Id FROM Account WHERE Id = 'nonsense'")
    expect(err).toMatchObject({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR' })
    expect(err.message).toMatch(/invalid ID field: nonsense$/)
  })

  it('adds deleted records for queryAll only', () => {
    expect(run("SELECT Name FROM Account WHERE Name = 'Epsilon'").totalSize).toBe(0)
    expect(run('SELECT Name, IsDeleted FROM Account WHERE IsDeleted = true', true).records).toEqual([
      expect.objectContaining({ Name: 'Epsilon', IsDeleted: true }),
    ])
  })

  it('refuses unknown objects, fields and relationships with Salesforce’s codes and messages', () => {
    expect(refused('SELECT Id FROM Acount')).toMatchObject({
      errorCode: 'INVALID_TYPE',
      message: expect.stringMatching(
        /^\nSELECT Id FROM Acount\n {15}\^\nERROR at Row:1:Column:16\nsObject type 'Acount' is not supported\./,
      ),
    })
    expect(refused('SELECT Nme FROM Account')).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Nme' on entity 'Account'."),
    })
    expect(refused('SELECT Id FROM Account ORDER BY Foo__c').message).toContain(
      "No such column 'Foo__c' on entity 'Account'",
    )
    expect(refused('SELECT Boss.Name FROM Account').message).toContain("Didn't understand relationship 'Boss'")
    expect(refused('SELECT Id, (SELECT Id FROM Nopes) FROM Account')).toMatchObject({ errorCode: 'INVALID_TYPE' })
  })

  it('refuses literals of the wrong type for the field', () => {
    const message = (where: string) => refused(`SELECT Id FROM Account WHERE ${where}`).message
    expect(message("CreatedDate > '2026-01-01'")).toMatch(
      /must be of type dateTime and should not be enclosed in quotes$/,
    )
    expect(message('CreatedDate > 2026-01-01')).toMatch(/must be of type dateTime/)
    expect(message("NumberOfEmployees > '5'")).toMatch(/must be of type integer and should not be enclosed in quotes$/)
    expect(message("AnnualRevenue > 'x'")).toMatch(/must be of type double/)
    expect(message("IsDeleted = 'false'")).toMatch(/must be of type boolean/)
    expect(message('Name = 5')).toMatch(/must be of type string and should be enclosed in quotes$/)
  })
})
