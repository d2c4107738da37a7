import type { Org } from './org.ts'

/** Sales reps who own the demo accounts. Vietnamese names are written family name first, as LastName. */
const demoUsers = [
  // The same people as the ERP sandbox's sales reps (by email), so orders carry their rep for commission.
  {
    LastName: 'Trần Minh Anh',
    Username: 'anh.tran@tandem.example.vn',
    Alias: 'anhtran',
    Title: 'Trưởng phòng Kinh doanh',
  },
  { LastName: 'Trần Thị Bích', Username: 'bich.tran@tandem.example', Alias: 'bichtran', Title: 'Account Executive' },
  { LastName: 'Lê Hoàng Đức', Username: 'duc.le@tandem.example', Alias: 'ducle', Title: 'Account Executive' },
  {
    FirstName: 'Sarah',
    LastName: 'Johnson',
    Username: 'sarah.johnson@tandem.example',
    Alias: 'sjohn',
    Title: 'Account Executive',
  },
  {
    FirstName: 'Alan',
    LastName: 'Rath',
    Username: 'alan.rath@tandem.example.com',
    Alias: 'arath',
    Title: 'Sales Director',
  },
]

/**
 * Demo companies, one per line: name | street | city | country | industry | phone | tax id | employees |
 * annual revenue. Vietnamese ones are billed in VND (tax ids are 10-digit mã số thuế), English-speaking
 * ones in USD (EINs or local equivalents).
 */
const vietnamese = `
Công ty TNHH Thương mại Sài Gòn | 12 Nguyễn Huệ, Quận 1 | TP. Hồ Chí Minh | Việt Nam | Retail | +84 28 3822 1001 | 0301234561 | 120 | 85000000000
Công ty Cổ phần Thép Đông Anh | Khu công nghiệp Đông Anh | Hà Nội | Việt Nam | Manufacturing | +84 24 3942 1002 | 0101234562 | 850 | 1200000000000
CTCP Vận tải Biển Đà Nẵng | 45 Bạch Đằng, Hải Châu | Đà Nẵng | Việt Nam | Transportation | +84 236 382 1003 | 0401234563 | 310 | 420000000000
Công ty TNHH Nông sản Mê Kông | 8 Hòa Bình, Ninh Kiều | Cần Thơ | Việt Nam | Agriculture | +84 292 381 1004 | 1801234564 | 95 | 60000000000
Ngân hàng TMCP Phương Đông | 41 Lê Duẩn, Quận 1 | TP. Hồ Chí Minh | Việt Nam | Banking | +84 28 3930 1005 | 0301234565 | 2400 | 3500000000000
Công ty TNHH Giáo dục Ánh Dương | 22 Lê Lợi | Huế | Việt Nam | Education | +84 234 382 1006 | 3301234566 | 60 | 18000000000
CTCP Công nghệ Phần mềm Hà Thành | 18 Duy Tân, Cầu Giấy | Hà Nội | Việt Nam | Technology | +84 24 3555 1007 | 0101234567 | 240 | 150000000000
Công ty TNHH May mặc Bình Dương | KCN VSIP 1, Thuận An | Thủ Dầu Một | Việt Nam | Apparel | +84 274 382 1008 | 3701234568 | 1100 | 540000000000
Cảng Hải Phòng Logistics JSC | 8A Trần Phú, Ngô Quyền | Hải Phòng | Việt Nam | Transportation | +84 225 384 1009 | 0201234569 | 430 | 610000000000
Công ty TNHH Tư vấn Đà Nẵng Xanh | 99 Nguyễn Văn Linh | Đà Nẵng | Việt Nam | Consulting | +84 236 352 1010 | 0401234570 | 35 | 9500000000
CTCP Thực phẩm Sữa Mộc Châu | Thị trấn Nông trường Mộc Châu | Sơn La | Việt Nam | Agriculture | +84 212 386 1011 | 5501234571 | 700 | 980000000000
Công ty TNHH Điện tử Bắc Ninh | KCN Yên Phong | Bắc Ninh | Việt Nam | Manufacturing | +84 222 382 1012 | 2301234572 | 1800 | 2100000000000
Nhà sách Phương Nam Hà Nội | 25 Tràng Tiền, Hoàn Kiếm | Hà Nội | Việt Nam | Retail | +84 24 3826 1013 | 0101234573 | 80 | 40000000000
`

const english = `
Acme Wholesale Inc. | 200 W Monroe St | Chicago | United States | Retail | +1 312 555 0113 | 36-4821013 | 260 | 48000000
Northwind Traders | 1 Pike Pl | Seattle | United States | Retail | +1 206 555 0114 | 91-3314014 | 75 | 12500000
Contoso Pharmaceuticals | 100 Cambridge St | Boston | United States | Manufacturing | +1 617 555 0115 | 04-2215015 | 1300 | 390000000
Fabrikam Outdoor Gear | 1550 Wewatta St | Denver | United States | Apparel | +1 303 555 0116 | 84-1180016 | 140 | 27000000
Tailspin Toys Ltd | 10 Finsbury Sq | London | United Kingdom | Retail | +44 20 7946 0117 | GB123456717 | 55 | 8200000
Wide World Importers | 505 Market St | San Francisco | United States | Transportation | +1 415 555 0118 | 94-2770018 | 410 | 96000000
Blue Yonder Airlines | 2400 Aviation Dr | Dallas | United States | Transportation | +1 214 555 0119 | 75-1690019 | 3200 | 1150000000
Litware Consulting LLC | 600 Congress Ave | Austin | United States | Consulting | +1 512 555 0120 | 74-3050020 | 48 | 9800000
Adventure Works Cycles | 1 SW Columbia St | Portland | United States | Manufacturing | +1 503 555 0121 | 93-1240021 | 290 | 61000000
Proseware Technology Pte Ltd | 8 Marina Blvd | Singapore | Singapore | Technology | +65 6555 0122 | 201912345K | 120 | 33000000
Coho Winery | 1200 Main St | Napa | United States | Agriculture | +1 707 555 0123 | 68-0410023 | 35 | 6400000
Margie’s Travel | 88 George St | Sydney | Australia | Transportation | +61 2 5550 0124 | 51824753124 | 22 | 3100000
`

function rows(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
}

/**
 * Seeds a few sales reps and 25 accounts, Vietnamese (VND, diacritics, cities Hà Nội, TP. Hồ Chí Minh,
 * Đà Nẵng…) and English-speaking (USD), owned round-robin by the reps, through the same validated path
 * as API writes.
 */
export function seedDemoData(org: Org): void {
  const owners = demoUsers.map((u) => org.insertSystem('User', { ...u, Email: u.Username, IsActive: true }))
  const all = [...rows(vietnamese).map((a) => [a, 'VND'] as const), ...rows(english).map((a) => [a, 'USD'] as const)]
  all.forEach(([[name = '', street, city, country, industry, phone, taxId, employees, revenue], currency], i) => {
    org.create('Account', {
      Name: name,
      AccountNumber: `CUS-${String(1001 + i)}`,
      Type: i % 5 === 4 ? 'Prospect' : 'Customer - Direct',
      Industry: industry,
      Phone: phone,
      Website: `https://www.${slug(name)}.example`,
      BillingStreet: street,
      BillingCity: city,
      BillingCountry: country,
      ShippingCity: city,
      ShippingCountry: country,
      NumberOfEmployees: Number(employees),
      AnnualRevenue: Number(revenue),
      CurrencyIsoCode: currency,
      Tax_Id__c: taxId,
      OwnerId: owners[(currency === 'VND' ? 0 : 3) + (i % (currency === 'VND' ? 3 : 2))],
    })
  })
}

/** A host-name-safe form of a company name: diacritics folded (đ → d), words joined. */
function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
}
