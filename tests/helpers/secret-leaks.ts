/**
 * Finding secrets in text the service produced (logs, API answers), in the forms a leak takes: the value
 * itself, JSON- and URL-encoded (query strings, form bodies, error messages quoting a URL), base64 and
 * base64url at any byte alignment (a Basic header, a token wrapping it), and hex.
 */

export interface SecretLeak {
  /** Which secret (its name, never its value). */
  name: string
  /** The encoding it was found in. */
  form: string
  /** Where: the label of the text it was found in. */
  where: string
  /** A little text around it, with the secret masked, to find the source. */
  context: string
}

/** Base64 of `value` as it appears inside a longer base64 text starting 0, 1 or 2 bytes before it. */
function base64Fragments(value: string, url: boolean): string[] {
  const bytes = Buffer.from(value)
  const out: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString(url ? 'base64url' : 'base64')
    // Characters that also depend on the bytes before (the shift) or after the value are not fixed: drop them.
    const fromChar = Math.ceil((shift * 4) / 3)
    const toChar = Math.floor(((shift + bytes.length) * 4) / 3)
    const fragment = encoded.slice(fromChar, toChar)
    if (fragment.length >= 12) out.push(fragment)
  }
  return out
}

/** Every form of `value` this scan looks for, by name. */
export function leakForms(value: string): Map<string, string> {
  const forms = new Map<string, string>([
    ['plain', value],
    ['json', JSON.stringify(value).slice(1, -1)],
    ['url-encoded', encodeURIComponent(value)],
    ['form-encoded', new URLSearchParams({ x: value }).toString().slice(2)],
    ['hex', Buffer.from(value).toString('hex')],
  ])
  // A secret cut short in a message ("token abc123…") still gives it away.
  if (value.length > 20) forms.set('start', value.slice(0, 16)).set('end', value.slice(-16))
  for (const [i, f] of base64Fragments(value, false).entries()) forms.set(`base64#${i}`, f)
  for (const [i, f] of base64Fragments(value, true).entries()) forms.set(`base64url#${i}`, f)
  return forms
}

/** Every place one of `secrets` occurs in one of `texts`, in any of its {@link leakForms}. */
export function findLeaks(secrets: Record<string, string>, texts: Record<string, string>): SecretLeak[] {
  const leaks: SecretLeak[] = []
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < 12) throw new Error(`secret ${name} is too short to scan for without false alarms`)
    for (const [form, needle] of leakForms(value)) {
      for (const [where, text] of Object.entries(texts)) {
        const at = text.indexOf(needle)
        if (at < 0) continue
        const context = text.slice(Math.max(0, at - 80), at + needle.length + 80).replaceAll(needle, `<${name}>`)
        leaks.push({ name, form, where, context })
      }
    }
  }
  return leaks
}
