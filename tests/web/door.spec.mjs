// A trainer at the door, on a phone: before the start the sheet refuses a mark and says why;
// once the session runs they mark people present, partial or absent with large buttons, add a
// known person by e-mail and a new one as walk-ins, and confirm the sheet (the unmarked become
// absent). Another trainer's session is not theirs.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, logIn, must, moduleSession, participant, register, setClock, trainer } from './lib.mjs';

test.use({ baseURL: base(), viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

test('a trainer marks the sheet on a phone, adds walk-ins and confirms it', async ({ page, browser }) => {
  const coord = await coordinator();
  const t = await trainer(coord, 'marie.weber@pfl.lu', 'Marie Weber');
  const other = await trainer(coord, 'paul.hoffmann@pfl.lu', 'Paul Hoffmann');
  const session = await moduleSession(coord, { code: 'DOOR-1', title: 'Consentement et limites', day: '2026-12-03', trainers: [t.id] });
  const foreign = await moduleSession(coord, { code: 'DOOR-2', title: 'Autre module', day: '2026-12-03', trainers: [other.id] });
  const anna = await participant('anna.schmit@ecole.lu', 'Anna Schmit');
  const ben = await participant('ben.klein@ecole.lu', 'Ben Klein');
  const chloe = await participant('chloe.muller@ecole.lu', 'Chloé Muller');
  const dora = await participant('dora.faber@ecole.lu', 'Dora Faber');
  for (const p of [anna, ben, chloe]) await register(session, p);

  await logIn(page, t.email, t.password);
  await page.getByRole('link', { name: 'Mes sessions' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mes sessions');
  await checkPage(page, 'trainer-sessions');
  await page.getByRole('link', { name: 'Consentement et limites' }).click();
  await expect(page.getByText('Anna Schmit', { exact: true })).toBeVisible();
  await expect(page.getByText('0 sur 3 personnes pointées')).toBeVisible();
  await expect(page.locator('.notice.warn')).toContainText('La présence se note à partir du début de la session');
  await checkPage(page, 'trainer-sheet-before');
  // Before the start: refused, with the reason, and nothing stored.
  await page.getByRole('button', { name: 'Présent·e – Anna Schmit' }).click();
  await expect(page.getByRole('alert')).toContainText('La présence se note à partir du début de la session');
  const before = await must(api(`/api/v1/sessions/${session.id}/attendance`, { token: coord }));
  expect(before.records.every((r) => r.status === null)).toBe(true);

  // Another trainer's sheet is not theirs.
  expect((await page.request.get(`/trainer/sessions/${foreign.id}`)).status()).toBe(403);

  await setClock('2026-12-03T09:20:00+01:00');
  await logIn(page, t.email, t.password);  // the browser session ended with the jump in time
  await page.goto(`/trainer`);
  await expect(page.getByRole('heading', { name: 'Aujourd\'hui' })).toBeVisible();
  await page.getByRole('link', { name: 'Consentement et limites' }).click();
  await page.getByRole('button', { name: 'Présent·e – Anna Schmit' }).click();
  await expect(page.getByRole('status')).toHaveText('Présence enregistrée.');
  await expect(page.locator('#p' + anna.id + ' .badge')).toHaveText('Présent·e');
  const benLine = page.locator('#p' + ben.id);
  await benLine.getByLabel('Heures (si partiel)').fill('2.5');
  await benLine.getByRole('button', { name: 'Partiel – Ben Klein' }).click();
  await expect(page.locator('#p' + ben.id + ' .badge')).toHaveText('Partiel · 2.5 h');
  await expect(page.getByText('2 sur 3 personnes pointées')).toBeVisible();

  // Walk-ins: someone known, by e-mail alone; someone new, on another channel.
  await page.getByLabel('Adresse e-mail').fill(dora.email);
  await page.getByRole('button', { name: 'Ajouter et pointer présent·e' }).click();
  await expect(page.getByRole('status')).toHaveText('Personne ajoutée et pointée présente.');
  await expect(page.locator('#p' + dora.id + ' .badge')).toHaveText('Présent·e');
  await page.getByLabel('Adresse e-mail').fill('emile.reding@foyer.lu');
  await page.getByLabel('Nom (nouvelle personne)').fill('Émile Reding');
  await page.getByLabel('Organisme').fill('Foyer Sud');
  await page.getByLabel('Canal').selectOption('SPECIALISED');
  await page.getByRole('button', { name: 'Ajouter et pointer présent·e' }).click();
  await expect(page.getByRole('status')).toHaveText('Nouvelle personne créée, inscrite et pointée présente.');
  await expect(page.locator('.sheet-line', { hasText: 'Émile Reding' })).toContainText('public spécialisé');
  await checkPage(page, 'trainer-sheet-marking');

  await page.getByRole('button', { name: 'Confirmer la feuille' }).click();
  await expect(page.getByRole('status')).toContainText('Feuille confirmée');
  await expect(page.locator('#p' + chloe.id + ' .badge')).toHaveText('Absent·e');
  await checkPage(page, 'trainer-sheet-confirmed');
  const sheet = await must(api(`/api/v1/sessions/${session.id}/attendance`, { token: await coordinator() }));
  const status = Object.fromEntries(sheet.records.map((r) => [r.name, r.status]));
  expect(status).toMatchObject({ 'Anna Schmit': 'present', 'Ben Klein': 'partial', 'Chloé Muller': 'absent',
                                 'Dora Faber': 'present', 'Émile Reding': 'present' });
  expect(sheet.sheet_confirmed_at).not.toBeNull();
});
