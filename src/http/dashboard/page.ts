import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { Language, Words } from './i18n.ts'

type Html = HtmlEscapedString | Promise<HtmlEscapedString>

function layout(lang: Language, w: Words, body: Html): Html {
  const other = lang === 'en' ? 'vi' : 'en'
  return html`<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${w.title}</title>
    <link rel="stylesheet" href="/dashboard/app.css" />
  </head>
  <body>
    <header>
      <h1>Tandem</h1>
      <a class="lang" href="/?lang=${other}" data-testid="language">${w.language}</a>
    </header>
    ${body}
  </body>
</html>`
}

export function signInPage(lang: Language, w: Words, failed: boolean): Html {
  return layout(
    lang,
    w,
    html`<main class="sign-in">
      <form method="post" action="/login">
        <h2>${w.signIn}</h2>
        <p>${w.signInHelp}</p>
        ${failed ? html`<p class="error" role="alert">${w.badToken}</p>` : ''}
        <label>${w.token} <input name="token" type="password" autocomplete="off" required data-testid="token" /></label>
        <button type="submit" data-testid="sign-in">${w.signIn}</button>
      </form>
    </main>`,
  )
}

/**
 * The main view: a shell the client script fills from the SSE snapshots. Everything fits a laptop screen:
 * flows across the top, then failures and dead letters, then connections, reconciliation and a record's
 * timeline side by side.
 */
export function dashboardPage(lang: Language, w: Words): Html {
  return layout(
    lang,
    w,
    html`<main class="dashboard" data-lang="${lang}" data-words="${JSON.stringify(w)}">
      <section class="flows">
        <h2>${w.flows}</h2>
        <table data-testid="flows">
          <thead><tr><th>${w.flow}</th><th>${w.status}</th><th>${w.synced}</th><th>${w.pending}</th>
            <th>${w.deadLetters}</th><th>${w.throughput}</th><th></th></tr></thead>
          <tbody></tbody>
        </table>
      </section>
      <section class="queue"><h2>${w.queue}</h2><p data-testid="queue"></p></section>
      <section class="failures"><h2>${w.recentFailures}</h2><ul data-testid="failures"></ul></section>
      <section class="dead-letters">
        <h2>${w.deadLetters} <span data-testid="dead-letter-total"></span></h2>
        <table data-testid="dead-letters"><tbody></tbody></table>
      </section>
      <section class="connections"><h2>${w.connections}</h2><ul data-testid="connections"></ul></section>
      <section class="reconciliation"><h2>${w.reconciliation}</h2><ul data-testid="reconciliations"></ul></section>
      <section class="record">
        <h2>${w.record}</h2>
        <form data-testid="record-form"><input name="id" placeholder="${w.recordHelp}" data-testid="record-id" />
          <button type="submit">${w.find}</button></form>
        <ol data-testid="timeline"></ol>
      </section>
      <footer><span>${w.updated}: <time data-testid="updated"></time></span>
        <form method="post" action="/logout"><button type="submit">${w.signOut}</button></form></footer>
    </main>
    <script src="/dashboard/app.js"></script>`,
  )
}
