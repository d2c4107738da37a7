// The dashboard's client: renders each SSE snapshot, and sends the operator's actions to the admin API
// (same origin; the session cookie authenticates). Plain script, no build step.
;(() => {
  const root = document.querySelector('main.dashboard')
  if (!root) return
  const w = JSON.parse(root.dataset.words)
  const locale = root.dataset.lang === 'vi' ? 'vi-VN' : 'en-US'
  const number = new Intl.NumberFormat(locale)
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' })
  const money = (value) =>
    value.currency
      ? new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(value.amount)
      : number.format(value.amount)
  const esc = (s) =>
    String(s ?? '').replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    )
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`)

  const spark = (series) => {
    const max = Math.max(1, ...series)
    const points = series.map((n, i) => `${(i / (series.length - 1)) * 120},${22 - (n / max) * 20}`).join(' ')
    return `<svg class="spark" viewBox="0 0 120 22" role="img" aria-label="${esc(w.throughput)}"><polyline points="${points}"/></svg>`
  }

  const api = async (method, path, body) => {
    const res = await fetch(`/api/v1${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    })
    return res.ok ? res.json() : Promise.reject(new Error(`${res.status}`))
  }

  function render(s) {
    $('flows').tBodies[0].innerHTML = s.flows
      .map((f) => {
        const status =
          f.pausedBy === 'operator' ? w.pausedOperator : f.pausedBy === 'circuit' ? w.pausedCircuit : w.running
        const cls = f.pausedBy ? 'warn' : 'ok'
        const action = f.pausedBy === 'operator' ? 'resume' : 'pause'
        return `<tr data-flow="${esc(f.name)}"><td><b>${esc(f.name)}</b><br><small>${esc(f.from)} → ${esc(f.to)}</small></td>
          <td class="${cls}" data-testid="status-${esc(f.name)}">${esc(status)}</td>
          <td class="num" title="${esc(w.synced)}" data-testid="synced-${esc(f.name)}">${number.format(f.synced)}</td>
          <td class="num" title="${esc(w.pending)}">${number.format(f.pending)}</td>
          <td class="num ${f.deadLetters ? 'bad' : ''}" title="${esc(w.deadLetters)}">${number.format(f.deadLetters)}</td>
          <td>${spark(f.throughput)}</td>
          <td><button data-action="${action}" data-flow="${esc(f.name)}">${esc(w[action])}</button></td></tr>`
      })
      .join('')
    const q = s.queue
    $('queue').textContent =
      `${number.format(q.waiting)} ${w.waiting} · ${number.format(q.active)} ${w.active} · ${number.format(q.delayed)} ${w.delayed} · ${number.format(q.failed)} ${w.failed}`
    $('failures').innerHTML = s.failures.length
      ? s.failures
          .map(
            (f) =>
              `<li><b>${esc(f.flow)}</b> ${esc(f.sourceId)} <span class="bad">${esc(f.code)}</span> ${esc(f.message)} <small>${time.format(new Date(f.at))}</small></li>`,
          )
          .join('')
      : `<li class="ok">${esc(w.noFailures)}</li>`
    $('dead-letter-total').textContent = s.deadLetterTotal ? `(${number.format(s.deadLetterTotal)})` : ''
    $('dead-letters').tBodies[0].innerHTML = s.deadLetters.length
      ? s.deadLetters
          .map(
            (
              d,
            ) => `<tr data-testid="dead-letter-${d.id}"><td><b>${esc(d.flow)}</b> ${esc(d.sourceId)}<br><small class="bad">${esc(d.code)}</small> <small>${esc(d.message)}</small></td>
            <td class="num">${d.value ? money(d.value) : ''}</td><td class="num">×${number.format(d.failures)}</td>
            <td><small>${time.format(new Date(d.lastFailedAt))}</small></td>
            <td><button data-action="replay" data-id="${d.id}" data-testid="replay-${d.id}">${esc(w.replay)}</button></td></tr>`,
          )
          .join('')
      : `<tr><td class="ok">${esc(w.noDeadLetters)}</td></tr>`
    $('connections').innerHTML = s.connections
      .map((c) => {
        const usage = c.usage
          ? ` · ${esc(w.apiUsage)} ${number.format(c.usage.used)}/${number.format(c.usage.limit)}`
          : ''
        const state =
          c.circuit === 'open'
            ? `<span class="bad">${esc(w.circuitOpen)}</span> ${esc(c.lastError)}`
            : `<span class="ok">${esc(w.circuitClosed)}</span>`
        return `<li><b>${esc(c.name)}</b> ${state}${usage}</li>`
      })
      .join('')
    $('reconciliations').innerHTML = s.reconciliations.length
      ? s.reconciliations
          .map((r) => {
            const c = r.counts
            return `<li><b>${esc(r.flow)}</b> ${esc(r.state)} · ${number.format(c.missing ?? 0)} ${esc(w.missing)}, ${number.format(c.mismatched ?? 0)} ${esc(w.mismatched)}, ${number.format(c.orphaned ?? 0)} ${esc(w.orphaned)} <small>${time.format(new Date(r.at))}</small></li>`
          })
          .join('')
      : `<li>${esc(w.noReconciliation)}</li>`
    $('updated').textContent = time.format(new Date(s.at))
  }

  root.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]')
    if (!button) return
    const { action, id, flow } = button.dataset
    button.disabled = true
    try {
      if (action === 'replay') {
        await api('POST', '/dead-letters/replay', { ids: [Number(id)] })
        button.textContent = w.replayed
      } else await api('POST', `/flows/${encodeURIComponent(flow)}/${action}`)
    } catch {
      button.disabled = false
    }
  })

  $('record-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const id = new FormData(event.target).get('id')
    if (!id) return
    const timeline = await api('GET', `/records/${encodeURIComponent(id)}`)
    const items = timeline.flows.flatMap((f) =>
      f.runs.map(
        (
          r,
        ) => `<li><b>${esc(f.flow)}</b> ${esc(r.status)} ${r.targetId ? `→ ${esc(r.targetId)}` : ''} <small>${time.format(new Date(r.at))}</small>
          ${r.error ? `<span class="bad">${esc(r.error.code)}</span>` : ''} ${r.changes.map((c) => `<small>${esc(c.field)}</small>`).join(' ')}</li>`,
      ),
    )
    $('timeline').innerHTML = items.length ? items.join('') : `<li>${esc(w.notFound)}</li>`
  })

  const events = new EventSource('/dashboard/events')
  events.addEventListener('snapshot', (e) => render(JSON.parse(e.data)))
})()
