// A person's journey through Stride in real Chromium: sign in, filter the list, open a school,
// download the list as CSV; every page checked by axe-core for WCAG 2.2 AA violations.
//
// Starts the real `stride demo` binary on a fresh SQLite file and a free port.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHmac } from 'node:crypto'
import { startStride, launchChromium, checkAccessibility } from './support.mjs'

let browser
let base
let workdir
let stopStride

before(async () => {
  ({ base, workdir, stop: stopStride } = await startStride())
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  stopStride?.()
})

/** Signs in as a demo account with the demo password, from the sign-in page. */
async function signIn (page, username) {
  await page.goto(`${base}/sign-in`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill('stride-demo-2026')
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/**
 * The code an authenticator app shows for a base32 key now (RFC 6238: HMAC-SHA1, 30 seconds, six
 * digits), worked out here as the phone would, independently of Stride's own code.
 */
function authenticatorCode (key, seconds = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const bits = [...key.replace(/[\s=]/g, '')].map(c => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('')
  const bytes = Buffer.from(bits.match(/.{8}/g).map(byte => parseInt(byte, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)))
  const digest = createHmac('sha1', bytes).update(counter).digest()
  const offset = digest[digest.length - 1] & 0x0f
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

test('sign in, filter the list, open a school and download the list as CSV', async () => {
  const context = await browser.newContext({ acceptDownloads: true })
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  await page.goto(`${base}/schools`)
  assert.match(page.url(), /\/sign-in$/, 'a visitor is sent to sign in')
  await checkAccessibility(page, 'sign-in')

  await page.getByLabel('Username').fill('improvement.manager')
  await page.getByLabel('Password').fill('wrong password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByText('There is a problem').waitFor()
  await checkAccessibility(page, 'sign-in-error')

  await page.getByLabel('Password').fill('stride-demo-2026')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Schools', level: 1 }).waitFor()
  const everyRow = await page.locator('tbody tr').count()
  assert.ok(everyRow > 200, `every school is listed (${everyRow})`)
  await checkAccessibility(page, 'schools')

  await page.getByLabel('Phase').selectOption('secondary')
  await page.getByRole('button', { name: 'Apply filters' }).click()
  await page.waitForURL(/phase=secondary/)
  const secondaryRows = await page.locator('tbody tr').count()
  assert.ok(secondaryRows > 20 && secondaryRows < 50, `secondary schools only (${secondaryRows})`)
  const phases = await page.locator('tbody tr td:nth-child(4)').allTextContents()
  assert.ok(phases.every(phase => phase.trim() === 'Secondary'))
  await checkAccessibility(page, 'schools-secondary')

  await page.getByRole('link', { name: /^Progress 8/ }).click()
  await page.waitForURL(/sort=progress-8/)
  assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1)

  const downloadStarted = page.waitForEvent('download')
  await page.getByRole('link', { name: /^CSV/ }).click()
  const download = await downloadStarted
  assert.equal(download.suggestedFilename(), 'schools.csv')
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n')
  assert.match(csv[0], /^Name,URN,Type,Phase,Locality/)
  assert.equal(csv.length - 1, secondaryRows, 'the download has the filtered rows')

  const first = page.locator('tbody tr th a').first()
  const name = (await first.textContent()).trim()
  await first.click()
  await page.getByRole('heading', { name, level: 1 }).waitFor()
  assert.ok(await page.locator('svg.stride-chart').count() > 0, 'the trend is charted')
  assert.ok(await page.getByRole('heading', { name: 'Inspections' }).isVisible())
  await checkAccessibility(page, 'school')

  await page.getByLabel('Pupil group').selectOption('disadvantaged')
  await page.getByRole('button', { name: 'Show figures' }).click()
  await page.waitForURL(/group=disadvantaged/)
  assert.ok((await page.locator('h3').first().textContent()).includes('Disadvantaged'))

  await page.getByRole('link', { name: 'Categorisation', exact: true }).click()
  await page.getByRole('heading', { name: 'Categorisation', level: 1 }).waitFor()
  await checkAccessibility(page, 'categorisation')
  await page.getByLabel('Rule set', { exact: true }).selectOption('oxfordshire-2013')
  await page.getByRole('button', { name: 'Categorise' }).click()
  await page.waitForURL(/rules=oxfordshire-2013/)
  // Sorting by a column heading: the most support first, and the heading says so.
  await page.getByRole('link', { name: 'Level', exact: true }).click()
  await page.waitForURL(/sort=level&order=descending/)
  assert.equal(await page.locator('th[aria-sort="descending"]').textContent().then(text => text.trim()), 'Level')
  const categorised = page.locator('tbody tr th a').first()
  const categorisedName = (await categorised.textContent()).trim()
  await categorised.click()
  await page.getByRole('heading', { name: categorisedName, level: 1 }).waitFor()
  assert.ok(await page.getByRole('table', { name: /each indicator's finding/ }).isVisible(), 'the reasons are shown')
  await checkAccessibility(page, 'categorisation-school')
  for (const [path, name] of [
    ['/categorisation/rules/oxfordshire-2013', 'categorisation-rules'],
    ['/categorisation/history?rules=oxfordshire-2013', 'categorisation-history'],
    ['/cycle/clocks', 'cycle-clocks'],
    ['/cycle/terms', 'cycle-terms'],
    ['/cycle/calendar', 'cycle-calendar'],
    ['/cycle/summary', 'cycle-summary'],
    // Last: the journey goes on from the what-if page.
    ['/categorisation/what-if?rules=oxfordshire-2013', 'categorisation-what-if']
  ]) {
    await page.goto(`${base}${path}`)
    await page.locator('h1').waitFor()
    await checkAccessibility(page, name)
  }
  await page.getByRole('button', { name: 'Compare' }).click()
  await page.getByText('Schools that would change level').first().waitFor()
  await checkAccessibility(page, 'categorisation-what-if-compared')
  // The edited rule set kept as the LA's own, under a name of its own, and chosen by it.
  const text = page.getByLabel('The rule set, edited')
  await text.fill((await text.inputValue()).replace('name = "oxfordshire-2013"', 'name = "wealdshire-2026"'))
  await page.getByRole('button', { name: "Keep as the LA's own rule set" }).click()
  await page.waitForURL(/\/categorisation\/rules\/wealdshire-2026$/)
  assert.ok(await page.getByText("The LA's own rule set. Kept by").isVisible())
  await checkAccessibility(page, 'categorisation-rules-kept')
  await page.goto(`${base}/categorisation?rules=wealdshire-2026`)
  await page.getByRole('heading', { name: 'Categorisation', level: 1 }).waitFor()
  assert.equal(await page.getByLabel('Rule set', { exact: true }).inputValue(), 'wealdshire-2026')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/\/sign-in$/)
  // The one expected error is the 401 of the deliberately wrong password.
  const unexpected = problems.filter(problem => !problem.includes('status of 401'))
  assert.deepEqual(unexpected, [], 'no errors in the browser console (a CSP violation would show here)')
  await context.close()
})

test('a data manager uploads a file and follows the import to its end', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  await signIn(page, 'data.manager')
  await page.getByRole('heading', { name: 'Schools', level: 1 }).waitFor()

  await page.getByRole('link', { name: 'Imports' }).click()
  await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor()
  await checkAccessibility(page, 'imports')

  const file = join(workdir, 'la_code_list.csv')
  writeFileSync(file, 'LA Number,LA Name,Region,Type\n936,Surrey,South East,SC\n850,Hampshire,South East,SC\n')
  await page.getByLabel('Files').setInputFiles(file)
  await page.getByRole('button', { name: 'Upload and import' }).click()
  await page.waitForURL(/\/imports\/[^/]+$/)
  await page.getByRole('heading', { name: 'Import finished', level: 1 }).waitFor({ timeout: 30_000 })
  assert.ok(await page.getByText('la_code_list.csv: has 2 added').isVisible(), 'the summary of the import')
  await checkAccessibility(page, 'import-finished')

  await page.getByRole('link', { name: 'Back to imports' }).click()
  assert.ok(await page.getByRole('rowheader', { name: 'la_code_list.csv' }).isVisible(), 'the import is listed')
  assert.deepEqual(problems, [], 'no errors in the browser console')
  await context.close()
})

test('an adviser sees an overdue visit, records its note of visit, and it leaves overdue', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  // The first overdue visit, and the kind of record that stops its clock.
  const kinds = [
    [/post-inspection/, 'Post-inspection visit and record of actions'],
    [/^Monitoring visit/, 'Monitoring visit'],
    [/visit/i, 'School visit']
  ]
  const overdue = page.getByRole('table', { name: 'Overdue' }).locator('tbody tr')
  let visit
  // The first of the LA's advisers with a visit overdue: which one has depends on the synthetic
  // record, not on anything this journey checks.
  for (const username of ['adviser.north', 'adviser.south', 'sue.whitfield', 'mark.ellis', 'joanne.price']) {
    await signIn(page, username)
    await page.getByRole('heading', { name: 'Schools', level: 1 }).waitFor()
    await page.getByRole('link', { name: 'My work', exact: true }).click()
    await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor()
    const rows = await overdue.count()
    for (let index = 0; index < rows && !visit; index++) {
      const row = overdue.nth(index)
      const what = (await row.locator('td').first().textContent()).trim()
      const kind = kinds.find(([pattern]) => pattern.test(what))
      if (kind) visit = { school: (await row.locator('th').textContent()).trim(), what, kind: kind[1] }
    }
    if (visit) break
    await page.getByRole('button', { name: 'Sign out' }).click()
  }
  await checkAccessibility(page, 'my-work')
  assert.ok(visit, 'an overdue visit is on the adviser\'s list')
  const before = await overdue.count()

  await page.getByRole('table', { name: 'Overdue' }).getByRole('link', { name: visit.school }).first().click()
  await page.getByRole('heading', { name: visit.school, level: 1 }).waitFor()
  await checkAccessibility(page, 'school-record')
  await page.getByLabel('What was done', { exact: true }).selectOption({ label: visit.kind })
  await page.getByLabel('Who attended').fill('Headteacher; chair of governors')
  await page.getByLabel('What was done or decided').fill('Reviewed the first priority of the plan with the headteacher.')
  await page.getByText('Note of visit (for a visit)').click()
  await page.getByLabel('Visit focus').fill('The achievement of pupils')
  await page.getByLabel('Part one: development plan priorities and the impact of actions taken').fill('Reading: the autumn assessment shows the expected standard rising.')
  await page.getByLabel('Overall effectiveness').selectOption('3')
  await page.getByLabel('Budget deficit').check()
  await page.getByRole('button', { name: 'Record it' }).click()
  await page.getByRole('heading', { name: 'Visits and meetings, latest first' }).waitFor()
  assert.ok(await page.getByText('Overall effectiveness: 3').first().isVisible(), 'the note of visit is kept')

  await page.getByRole('link', { name: 'My work', exact: true }).click()
  await page.getByRole('heading', { name: 'My work', level: 1 }).waitFor()
  const after = page.getByRole('table', { name: 'Overdue' }).locator('tbody tr')
  const still = await after.filter({ hasText: visit.school }).filter({ hasText: visit.what }).count()
  assert.equal(still, 0, 'the visit has left overdue')
  assert.equal(await after.count(), before - 1)

  await page.getByRole('link', { name: 'Register', exact: true }).click()
  await page.getByRole('heading', { name: 'Schools Causing Concern register', level: 1 }).waitFor()
  await checkAccessibility(page, 'register')
  assert.deepEqual(problems, [], 'no errors in the browser console')
  await context.close()
})

test('a manager finds a provider for a priority, commissions five days, records their use and evaluation, and sees them in the provider\'s record', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  await signIn(page, 'improvement.manager')
  await page.getByRole('heading', { name: 'Schools', level: 1 }).waitFor()

  await page.getByRole('link', { name: 'Register', exact: true }).click()
  await page.getByRole('heading', { name: 'Schools Causing Concern register', level: 1 }).waitFor()
  const first = page.locator('tbody th a').first()
  const school = (await first.textContent()).trim()
  await first.click()
  await page.getByRole('heading', { name: school, level: 1 }).waitFor()

  await page.getByLabel('A priority of the plan').fill('Raise attainment in mathematics at key stage 2')
  await page.getByRole('button', { name: 'Add the priority' }).click()
  const priorities = page.getByRole('link', { name: /^Find support for priority \d+$/ })
  await priorities.last().click()
  await page.getByRole('heading', { name: 'Find support', level: 1 }).waitFor()
  assert.ok(await page.getByText('For the priority: Raise attainment in mathematics at key stage 2.').isVisible())
  await checkAccessibility(page, 'find-support')
  const offered = page.getByRole('table', { name: 'Providers who fit' }).locator('tbody tr').first()
  const provider = (await offered.locator('th a').textContent()).trim()
  await offered.getByRole('link', { name: `Commission ${provider}` }).click()
  await page.getByRole('heading', { name: school, level: 1 }).waitFor()

  await page.getByLabel('What it is to do').fill('Maths mastery coaching for years 5 and 6')
  await page.getByLabel('Days allocated').fill('5')
  await page.getByRole('button', { name: 'Commission it' }).click()
  const commissioned = page.getByRole('table', { name: 'Support commissioned for the school' })
  await commissioned.getByRole('rowheader', { name: provider }).last().waitFor()
  await checkAccessibility(page, 'record-with-support')

  await page.getByLabel(`Days of ${provider} used, in all`).last().fill('5')
  await page.getByRole('button', { name: `Save the days of ${provider} used` }).last().click()
  await page.getByText(`Evaluate the support of ${provider}`).last().click()
  await page.getByLabel('Objective met', { exact: true }).last().check()
  await page.getByLabel('The evidence it rests on').last().fill('Year 6 maths assessments up by a third')
  await page.getByRole('button', { name: 'Save the evaluation' }).last().click()
  await page.getByText(`Evaluation of ${provider}:`).last().waitFor()

  await commissioned.getByRole('link', { name: provider }).last().click()
  await page.getByRole('heading', { name: provider, level: 1 }).waitFor()
  const record = page.getByRole('table', { name: `Support commissioned from ${provider}` })
  const ours = record.locator('tbody tr').filter({ hasText: 'Maths mastery coaching for years 5 and 6' })
  assert.equal(await ours.count(), 1, 'the commission is in the provider\'s record')
  assert.ok((await ours.textContent()).includes('5 of 5'), 'with the days used')
  assert.ok((await ours.textContent()).includes('Objective met: Year 6 maths assessments up by a third'), 'and its evaluation')
  await checkAccessibility(page, 'provider')

  await page.getByRole('link', { name: 'Support', exact: true }).click()
  await page.getByRole('heading', { name: 'Support and its impact', level: 1 }).waitFor()
  await checkAccessibility(page, 'support')
  await page.getByRole('link', { name: 'Whether support worked' }).click()
  await page.getByRole('heading', { name: 'Whether support worked', level: 1 }).waitFor()
  await checkAccessibility(page, 'support-impact')
  await page.goto(`${base}/support/providers`)
  await checkAccessibility(page, 'providers')

  await page.getByRole('link', { name: 'Reports', exact: true }).click()
  await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor()
  await checkAccessibility(page, 'reports')
  await page.getByRole('link', { name: 'Monthly county data set' }).click()
  await page.getByRole('heading', { name: 'Monthly county data set', level: 1 }).waitFor()
  assert.ok(await page.getByText(/schools whose latest graded inspection gave a four-point grade were good or outstanding/).isVisible())
  await checkAccessibility(page, 'report-monthly-data-set')
  assert.deepEqual(problems, [], 'no errors in the browser console')
  await context.close()
})

test('an inclusion officer keeps the strategy\'s action plan: adds a task, updates it, and reads the progress report', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  await signIn(page, 'inclusion.officer')
  await page.getByRole('link', { name: 'Action plans', exact: true }).click()
  await page.getByRole('heading', { name: 'Strategy action plans', level: 1 }).waitFor()
  await checkAccessibility(page, 'plans')
  await page.getByRole('link', { name: 'Behaviour, attendance and exclusions strategy' }).click()
  await page.getByRole('heading', { name: 'Behaviour, attendance and exclusions strategy', level: 1 }).waitFor()
  await checkAccessibility(page, 'plan')

  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Action 3: Improving attendance' })
  await page.getByLabel('Task', { exact: true }).fill('Train every attendance lead in the new guidance')
  await page.getByLabel('Month').selectOption({ label: 'March' })
  await page.getByLabel('Year').fill('2027')
  await page.getByRole('button', { name: 'Add the task' }).click()
  const task = page.getByRole('link', { name: 'Train every attendance lead in the new guidance' })
  await task.waitFor()
  await task.click()
  await page.getByRole('heading', { name: 'Train every attendance lead in the new guidance', level: 1 }).waitFor()
  await page.getByLabel('Status').selectOption({ label: 'Delayed' })
  await page.getByLabel('Progress', { exact: true }).fill('The guidance was republished; training moves to the summer term')
  await page.getByLabel('Month').selectOption({ label: 'June' })
  await page.getByLabel('Year').fill('2027')
  await page.getByRole('button', { name: 'Save the update' }).click()
  await page.getByRole('cell', { name: 'The guidance was republished; training moves to the summer term' }).waitFor()
  await checkAccessibility(page, 'plan-task')

  await page.getByRole('link', { name: 'Behaviour, attendance and exclusions strategy' }).first().click()
  await page.getByRole('link', { name: 'The progress report as of today' }).click()
  await page.getByRole('heading', { name: /progress report$/, level: 1 }).waitFor()
  const row = page.locator('tr').filter({ hasText: 'Train every attendance lead in the new guidance' })
  assert.ok((await row.textContent()).includes('Delayed, now due by June 2027'), 'rated with its reason')
  assert.ok((await row.textContent()).includes('First reported: delayed'), 'and new since the last report')
  await checkAccessibility(page, 'plan-report')
  assert.deepEqual(problems, [], 'no errors in the browser console')
  await context.close()
})

test('an elected member makes every school\'s data profile in the background and downloads the pack', async () => {
  const context = await browser.newContext({ acceptDownloads: true })
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  await signIn(page, 'elected.member')
  await page.getByRole('link', { name: 'Reports', exact: true }).click()
  await page.getByRole('link', { name: 'School data profiles' }).click()
  await page.getByRole('heading', { name: 'School data profiles', level: 1 }).waitFor()
  await checkAccessibility(page, 'profiles')
  const school = page.locator('tbody a').first()
  const name = (await school.textContent()).trim()
  await school.click()
  await page.getByRole('heading', { name: `School data profile: ${name}`, exact: false, level: 1 }).waitFor()
  assert.ok(await page.locator('svg.stride-chart').first().isVisible(), 'with its charts')
  await checkAccessibility(page, 'profile')

  await page.goBack()
  await page.getByRole('button', { name: /^Make all \d+ profiles$/ }).click()
  await page.getByRole('heading', { name: /school data profiles/i, level: 1 }).waitFor()
  // The page follows the batch by itself until every profile is made.
  await page.getByRole('heading', { name: 'School data profiles made', level: 1 }).waitFor({ timeout: 120_000 })
  await checkAccessibility(page, 'profiles-made')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Every profile as one PDF' }).click()
  ])
  const saved = join(workdir, 'profiles.pdf')
  await download.saveAs(saved)
  assert.ok(readFileSync(saved).subarray(0, 5).toString() === '%PDF-', 'a PDF')
  assert.deepEqual(problems, [], 'no errors in the browser console')
  await context.close()
})

test('an inclusion officer finds a child, reads their record, works a school\'s attendance list, sees how vulnerabilities overlap, the trend by term and each group\'s outcomes', async () => {
  const context = await browser.newContext({ acceptDownloads: true })
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  await signIn(page, 'inclusion.north')
  await page.getByRole('link', { name: 'Pupils', exact: true }).click()
  await page.getByRole('heading', { name: 'Pupils', level: 1 }).waitFor()
  await checkAccessibility(page, 'pupils')

  await page.getByLabel('Find a pupil').fill('Adams')
  await page.getByRole('button', { name: 'Search' }).click()
  await page.getByRole('heading', { name: /pupils? found$/, level: 2 }).waitFor()
  assert.ok(!page.url().includes('Adams'), 'the name is not in the address')
  const found = page.locator('table').first().locator('tbody a').first()
  const name = (await found.textContent()).trim()
  await found.click()
  await page.getByRole('heading', { name, level: 1 }).waitFor()
  assert.ok(/\/pupils\/\d+$/.test(page.url()), 'a pupil is addressed by number, not by name or UPN')
  await checkAccessibility(page, 'pupil')

  await page.getByRole('link', { name: 'Pupils', exact: true }).click()
  await page.locator('a[href^="/attendance/schools/"]').first().click()
  await page.getByRole('heading', { name: 'For the targeting meeting', level: 2 }).waitFor()
  await checkAccessibility(page, 'attendance')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'CSV' }).click()
  ])
  const saved = join(workdir, 'attendance.csv')
  await download.saveAs(saved)
  assert.ok(readFileSync(saved, 'utf8').startsWith('Pupil,UPN,URN'), 'every pupil\'s sessions as CSV')

  await page.getByRole('link', { name: 'Vulnerable learners', exact: true }).click()
  await page.getByRole('heading', { name: 'How vulnerabilities overlap', level: 1 }).waitFor()
  assert.ok(await page.locator('svg.stride-chart').first().isVisible(), 'with its UpSet chart')
  await page.getByLabel('Year group').selectOption({ label: 'Reception' })
  await page.getByRole('button', { name: 'Show' }).click()
  await page.locator('caption', { hasText: 'pupils in your scope, reception' }).waitFor()
  await checkAccessibility(page, 'vulnerable-learners')

  await page.getByRole('link', { name: 'Attendance and absence' }).click()
  await page.getByRole('heading', { name: 'Term by term', level: 2 }).waitFor()
  assert.ok(await page.locator('svg.stride-chart').first().isVisible(), 'absence by term, charted')
  await page.locator('caption', { hasText: 'Absence (%) by term' }).waitFor()
  await checkAccessibility(page, 'la-attendance')
  await page.getByRole('link', { name: 'each group\'s outcomes against comparators' }).click()
  await page.getByRole('heading', { name: 'Vulnerable groups\' outcomes', level: 1 }).waitFor()
  await page.getByRole('heading', { name: 'This year, from pupils\' records' }).waitFor()
  await checkAccessibility(page, 'vulnerable-outcomes')
  assert.deepEqual(problems, [], 'no errors in the browser console')
  await context.close()
})

test('an administrator searches the audit log for pupils\' records viewed and finds its chain whole', async () => {
  const context = await browser.newContext({ acceptDownloads: true })
  const page = await context.newPage()
  const problems = []
  page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', error => problems.push(error.message))

  await signIn(page, 'administrator')
  // An administrator's first sign-in goes to setting up an authenticator, and nowhere else.
  await page.getByRole('heading', { name: 'Set up an authenticator app', level: 1 }).waitFor()
  await checkAccessibility(page, 'two-factor-set-up')
  await page.getByText('I cannot scan the QR code').click()
  const key = await page.locator('#key').textContent()
  await page.getByLabel('Code from the app').fill(authenticatorCode(key))
  await page.getByRole('button', { name: 'Turn on' }).click()
  await page.getByText('Your authenticator app is set up').waitFor()
  await checkAccessibility(page, 'account')
  await page.getByRole('link', { name: 'Audit log', exact: true }).click()
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor()
  await page.getByRole('button', { name: 'Check the chain' }).click()
  await page.getByText('The chain is whole').waitFor()
  await page.getByLabel('Action').selectOption({ label: 'Viewed a pupil\'s record' })
  await page.getByRole('button', { name: 'Search' }).click()
  await page.locator('caption', { hasText: 'Audit log entries' }).waitFor()
  assert.ok(page.url().includes('action=view-pupil'), 'the search is in the address, and no pupil\'s name is')
  const actions = await page.locator('tbody tr td:nth-child(4)').allTextContents()
  assert.ok(actions.length > 0, 'the earlier journey\'s views are found')
  assert.ok(actions.every(action => action === 'Viewed a pupil\'s record'), 'and only views')
  await checkAccessibility(page, 'audit-log')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'CSV' }).click()
  ])
  const saved = join(workdir, 'audit-log.csv')
  await download.saveAs(saved)
  assert.ok(readFileSync(saved, 'utf8').startsWith('Entry,When (UTC),Who,Action'), 'the entries as CSV')
  assert.deepEqual(problems, [], 'no errors in the browser console')
  await context.close()
})
