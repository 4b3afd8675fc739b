// What the browser journeys share: the stride binary started on a fresh SQLite file (or a fresh
// PostgreSQL database, where STRIDE_TEST_POSTGRES names a server), Chromium started as this
// machine needs, and axe-core's check of a page.

import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
export const results = join(here, 'test-results')
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const binary = process.env.STRIDE_BINARY ?? join(root, 'target', 'debug', 'stride')

/**
 * A database of the journey's own: a file in its folder, or a new database on the PostgreSQL
 * server STRIDE_TEST_POSTGRES names (made and dropped with psql). Gives its location for `--db`
 * and a function that removes it.
 */
function journeyDatabase (workdir) {
  const server = process.env.STRIDE_TEST_POSTGRES
  if (!server) return { location: join(workdir, 'journey.sqlite'), remove: () => {} }
  const name = `stride_test_journey_${randomBytes(6).toString('hex')}`
  const psql = statement => execFileSync('psql', [server, '-Atqc', statement], { stdio: ['ignore', 'ignore', 'inherit'] })
  psql(`CREATE DATABASE ${name}`)
  const location = new URL(server)
  location.pathname = `/${name}`
  return { location: location.href, remove: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

/**
 * Starts `stride demo` on a fresh database with more arguments, as of a fixed day a few days
 * after the synthetic data's, so that what is overdue is the same on every run. Resolves to the
 * address it serves on, its folder (for files a journey saves) and a function that stops it and
 * removes the folder and the database.
 */
export function startStride (args = [], { listen = '127.0.0.1:0', env = {} } = {}) {
  const workdir = mkdtempSync(join(tmpdir(), 'stride-journey-'))
  const database = journeyDatabase(workdir)
  const server = spawn(binary, ['demo', '--db', database.location, '--listen', listen, '--as-of', '2026-11-24', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
  const stop = () => {
    server.kill()
    rmSync(workdir, { recursive: true, force: true })
    database.remove()
  }
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`stride did not start:\n${output}`)), 120_000)
    server.stdout.on('data', chunk => {
      output += chunk
      const match = output.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/)
      if (match) { clearTimeout(timer); resolve({ base: match[1], stop, workdir }) }
    })
    server.on('exit', code => reject(new Error(`stride exited with ${code}:\n${output}`)))
  })
}

/** A port free on loopback now, for a server whose address must be known before it starts. */
export function freePort () {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Debian's Chromium, headless, with what this machine's closed network needs. */
export function launchChromium () {
  mkdirSync(results, { recursive: true })
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

/** Runs axe-core on the page and fails on any serious or critical violation. */
export async function checkAccessibility (page, name) {
  // Evaluated through the DevTools protocol, so the page's Content Security Policy still holds.
  await page.evaluate(axeSource)
  const report = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }
  }))
  const blocking = report.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  const described = blocking.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
  assert.deepEqual(described, [], `${name} has accessibility violations`)
  await page.screenshot({ path: join(results, `${name}.png`), fullPage: false })
}
