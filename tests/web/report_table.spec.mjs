// The yearly participation table built through the API (a history import of the centre's 2024
// participation, uploaded on the import page) matches the centre's 2024 report cell for cell,
// on the page (laid out as in the report: the LTAS pathway with its modules, the one-offs, the
// totals by IFEN / FEDAS / others / specialised public, a server-side SVG chart) and in the CSV.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, env, logIn, must } from './lib.mjs';

test.use({ baseURL: base() });

// The centre's "Participations chiffrées 2024": IFEN, FEDAS, others / Cesas, specialised public.
const LTAS = [
  ['Contraception', [9, 5, 3, 0]],
  ['Diversité sexuelle, corporelle et de genre', [11, 9, 2, 0]],
  ['Droits sexuels et violence', [11, 3, 1, 0]],
  ['Nouveaux médias', [18, 9, 1, 0]],
  ['Puberté-anatomie', [10, 9, 4, 0]],
  ['IST', [4, 4, 1, 0]],
  ['Journée pratique « Toolkit »', [9, 8, 0, 24]],
];
const ONE_OFFS = [
  ['Formation Education sexuelle et interculturalité (GT LTAS)', [0, 0, 0, 13]],
  ['Formation Petite enfance : Resilienz', [0, 9, 0, 0]],
  ['Colloque Contraception (en ligne)', [0, 0, 0, 25]],
  ['Formations entre pair.es (Plateforme VsV) (en ligne)', [0, 0, 0, 20]],
  ['Elternnachmittag « Liebe und mehr »', [0, 0, 0, 30]],
  ['Journée pédagogique « Voie du préparatoire »', [17, 0, 0, 0]],
  ['Speed-Meeting Journée SAS 28 juin 2024', [0, 0, 0, 71]],
];
const CHANNELS = ['IFEN', 'FEDAS', 'DIRECT', 'SPECIALISED'];
const PATHWAY = "Let's Talk about Sex ! (LTAS)";
const sum = (rows) => rows.reduce((t, [, c]) => t.map((v, i) => v + c[i]), [0, 0, 0, 0]);

test('the yearly table matches the centre\'s 2024 figures cell for cell, on the page and in the CSV', async ({ page }) => {
  const coord = await coordinator();
  const pathway = await must(api('/api/v1/pathways', { method: 'POST', token: coord, body: {
    code: 'LTAS24', title: PATHWAY, modules: LTAS.map(([title], i) => ({ code: `LT24-${i}`, title, hours: 4 })) } }), 201);
  expect(pathway.modules).toHaveLength(7);
  for (const [i, [title]] of ONE_OFFS.entries())
    await must(api('/api/v1/modules', { method: 'POST', token: coord, body: { code: `EV24-${i}`, title, hours: 3 } }), 201);
  // One line per person and training; each training on its own 2024 date.
  let csv = 'email,name,module,date,status,channel\n';
  let n = 0;
  const add = (code, month, counts) => counts.forEach((count, ch) => {
    for (let k = 0; k < count; ++k, ++n) csv += `p${n}@report.lu,Personne ${n},${code},2024-${month}-10,present,${CHANNELS[ch]}\n`;
  });
  LTAS.forEach(([, counts], i) => add(`LT24-${i}`, String(i + 2).padStart(2, '0'), counts));
  ONE_OFFS.forEach(([, counts], i) => add(`EV24-${i}`, String(i + 3).padStart(2, '0'), counts));
  expect(n).toBe(340);

  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.goto('/desk');
  await page.getByRole('link', { name: 'Importer l\'historique' }).click();
  await checkPage(page, 'desk-import');
  await page.getByLabel('Fichier CSV').setInputFiles({ name: 'participation-2024.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Importer' }).click();
  await expect(page.getByRole('status')).toContainText('Import enregistré : 340 ligne(s), 340 présence(s) enregistrée(s)');
  await expect(page.getByRole('status')).toContainText('340 personne(s) créée(s), 14 session(s) passée(s) créée(s)');
  await checkPage(page, 'desk-import-report');

  await page.goto('/desk/report?year=2024');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Participation 2024');
  const head = await page.locator('table.report thead th').allTextContents();
  expect(head).toEqual(['Formation', 'Personnes éducation formelle (IFEN)', 'Personnes éducation non formelle (FEDAS)',
                        'Personnes autres / Cesas', 'Public spécialisé', 'Total']);
  const cells = (row) => row.locator('th, td').allTextContents();
  const expected = [[PATHWAY, sum(LTAS)], ...LTAS, ...ONE_OFFS].map(([label, c]) =>
    [label, ...c.map((v) => (v ? String(v) : '')), String(c.reduce((a, b) => a + b, 0))]);
  const rows = page.locator('table.report tbody tr');
  await expect(rows).toHaveCount(expected.length);
  for (const [i, want] of expected.entries()) expect(await cells(rows.nth(i))).toEqual(want);
  expect(await cells(page.locator('table.report tfoot tr'))).toEqual(['Total', '89', '56', '12', '183', '340']);
  expect(await rows.nth(0).textContent()).toContain('155');
  // The chart: one bar per training (the pathway as one), a segment per column present.
  const chart = page.locator('svg.chart');
  await expect(chart).toBeVisible();
  await expect(chart.locator('g:not(.legend)')).toHaveCount(1 + ONE_OFFS.length);
  await expect(chart.locator('rect.g-specialised title').first()).toHaveText('Public spécialisé : 24');
  await checkPage(page, 'desk-report-2024');

  // The CSV: the same cells (0 where the page leaves a cell empty).
  const download = await page.request.get('/desk/report.csv?year=2024');
  expect(download.status()).toBe(200);
  const lines = (await download.text()).trim().split(/\r?\n/);
  expect(lines[0]).toBe('training;IFEN;FEDAS;DIRECT;SPECIALISED;total');
  const parse = (line) => line.match(/("([^"]|"")*"|[^;]*)(;|$)/g).slice(0, 6)
    .map((f) => f.replace(/;$/, '').replace(/^"|"$/g, '').replace(/""/g, '"').trim());
  for (const [i, want] of expected.entries())
    expect(parse(lines[i + 1])).toEqual(want.map((v, k) => (k > 0 && v === '' ? '0' : v)));
  expect(parse(lines[lines.length - 1])).toEqual(['Total', '89', '56', '12', '183', '340']);
});
