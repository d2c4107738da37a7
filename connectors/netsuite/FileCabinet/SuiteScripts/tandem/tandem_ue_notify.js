/**
 * Tandem change notifier: a User Event script that tells Tandem a record was created, edited or deleted.
 * NetSuite has no configurable outbound webhook, so afterSubmit posts a small signed JSON body with
 * N/https; Tandem verifies it, then re-reads the record through REST (the post carries no field values).
 *
 * Body:      {"events":[{"recordType","id","type","eventId","occurredAt","executionContext"}]}
 * Signature: X-Tandem-Timestamp: <unix seconds>, X-Tandem-Signature: v1=<hex HMAC-SHA256 of "<ts>.<body>">
 *            keyed by the API Secret named in the script parameter (the connection's webhook.secret).
 *
 * Saves made in the skipped execution contexts (default: REST web services, i.e. Tandem's own writes) are
 * not posted, so a two-way flow never loops on its own echo. A failed post never undoes the save: it is
 * logged, and Tandem's polling on lastmodifieddate picks the change up anyway.
 *
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */
define(['N/crypto', 'N/encode', 'N/https', 'N/log', 'N/runtime'], (crypto, encode, https, log, runtime) => {
  const params = {
    url: 'custscript_tandem_url',
    secret: 'custscript_tandem_secret_id',
    skip: 'custscript_tandem_skip_contexts',
  }
  const attempts = 3

  /** Enum keys (`REST_WEBSERVICES`) resolved through runtime.ContextType, so the comparison never depends on their spelling. */
  function skippedContexts(script) {
    const text = script.getParameter({ name: params.skip }) || 'REST_WEBSERVICES'
    return text
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '')
      .map((key) => runtime.ContextType[key] || key)
  }

  function sign(secretId, message) {
    const key = crypto.createSecretKey({ secret: secretId, encoding: encode.Encoding.UTF_8 })
    const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key })
    hmac.update({ input: message, inputEncoding: encode.Encoding.UTF_8 })
    return hmac.digest({ outputEncoding: encode.Encoding.HEX }).toLowerCase()
  }

  /** create and delete as such; every other save (edit, inline edit, approve, ship…) is an edit of the record. */
  function eventType(type) {
    const t = type.toLowerCase()
    return ['create', 'delete', 'xedit'].includes(t) ? t : 'edit'
  }

  function toIso(value) {
    const date = value instanceof Date ? value : new Date()
    return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
  }

  const afterSubmit = (context) => {
    const script = runtime.getCurrentScript()
    const executionContext = String(runtime.executionContext)
    if (skippedContexts(script).includes(executionContext)) return
    const url = script.getParameter({ name: params.url })
    const secretId = script.getParameter({ name: params.secret })
    if (!url || !secretId) {
      log.error({ title: 'Tandem notifier not configured', details: `set ${params.url} and ${params.secret}` })
      return
    }
    const record = context.type === context.UserEventType.DELETE ? context.oldRecord : context.newRecord
    const modified = record.getValue({ fieldId: 'lastmodifieddate' })
    const occurredAt = toIso(context.type === context.UserEventType.DELETE ? null : modified)
    const event = {
      recordType: record.type,
      id: String(record.id),
      type: eventType(String(context.type)),
      // The same change gives the same id, so Tandem drops a repeated post.
      eventId: `${record.type}:${record.id}:${context.type}:${Date.parse(occurredAt)}`,
      occurredAt,
      executionContext: executionContext,
    }
    const body = JSON.stringify({ events: [event] })
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000))
      try {
        const response = https.post({
          url,
          body,
          headers: {
            'Content-Type': 'application/json',
            'X-Tandem-Timestamp': timestamp,
            'X-Tandem-Signature': `v1=${sign(secretId, `${timestamp}.${body}`)}`,
          },
        })
        if (response.code >= 200 && response.code < 300) return
        // 4xx will not get better by asking again (a wrong secret or URL): say so once.
        if (response.code < 500 && response.code !== 429) {
          log.error({
            title: 'Tandem refused the change notice',
            details: `HTTP ${response.code} for ${event.eventId}`,
          })
          return
        }
        log.audit({ title: 'Tandem busy', details: `HTTP ${response.code}, attempt ${attempt} for ${event.eventId}` })
      } catch (e) {
        log.audit({ title: 'Tandem unreachable', details: `${e.name}: attempt ${attempt} for ${event.eventId}` })
      }
    }
    log.error({ title: 'Tandem change notice not delivered', details: `${event.eventId}; polling will pick it up` })
  }

  return { afterSubmit }
})
