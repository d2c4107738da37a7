import { readFileSync } from 'node:fs'
import type { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { streamSSE } from 'hono/streaming'
import { authenticate } from '../../engine/api-tokens.ts'
import type { Runtime } from '../../engine/runtime.ts'
import type { Logger } from '../../lib/logger.ts'
import { sessionCookie } from '../auth.ts'
import { languageOf, words } from './i18n.ts'
import { dashboardPage, signInPage } from './page.ts'
import { dashboardSnapshot } from './snapshot.ts'

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8')
/** How often the live view refreshes. */
const everyMs = 2_000

/**
 * The dashboard at `/`: a sign-in form taking an API token (kept in an HttpOnly, SameSite=Strict cookie,
 * so the page's calls to the admin API are authenticated and no other site can make them), then the main
 * view, filled and kept live by snapshots over server-sent events. `?lang=vi` switches to Vietnamese.
 */
export function dashboardRoutes(app: Hono, rt: Runtime, logger: Logger): void {
  const css = asset('app.css')
  const js = asset('app.js')
  const language = (c: { req: { query(k: string): string | undefined } }, cookie: string | undefined) =>
    languageOf(c.req.query('lang') ?? cookie)

  const actorOf = async (token: string | undefined) =>
    token ? authenticate(rt.store, token, rt.env.TANDEM_ADMIN_TOKEN) : undefined

  app.get('/dashboard/app.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8' }))
  app.get('/dashboard/app.js', (c) => c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8' }))

  app.get('/', async (c) => {
    const lang = language(c, getCookie(c, 'tandem_lang'))
    if (c.req.query('lang')) setCookie(c, 'tandem_lang', lang, { path: '/', sameSite: 'Lax', maxAge: 31_536_000 })
    const actor = await actorOf(getCookie(c, sessionCookie))
    if (!actor) return c.html(signInPage(lang, words[lang], c.req.query('failed') === '1'))
    return c.html(dashboardPage(lang, words[lang]))
  })

  app.post('/login', async (c) => {
    const form = await c.req.parseBody()
    const token = typeof form.token === 'string' ? form.token.trim() : ''
    if (!(await actorOf(token))) return c.redirect('/?failed=1', 303)
    setCookie(c, sessionCookie, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: 12 * 3600,
    })
    return c.redirect('/', 303)
  })

  app.post('/logout', (c) => {
    deleteCookie(c, sessionCookie, { path: '/' })
    return c.redirect('/', 303)
  })

  app.get('/dashboard/events', async (c) => {
    if (!(await actorOf(getCookie(c, sessionCookie)))) return c.body(null, 401)
    return streamSSE(c, async (stream) => {
      let open = true
      stream.onAbort(() => {
        open = false
      })
      while (open) {
        try {
          await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(await dashboardSnapshot(rt)) })
        } catch (err) {
          logger.warn({ err }, 'dashboard snapshot failed')
        }
        await stream.sleep(everyMs)
      }
    })
  })
}
