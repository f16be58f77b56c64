// A trainer on a phone marks a sheet of twelve: present, absent, excused with the large
// buttons; a walk-in for someone already on the list is not added again (the trainer is told
// and the person is marked present); someone new walks in; the sheet is confirmed.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, logIn, must, moduleSession, register, setClock, staffMadeParticipant, trainer } from './lib.mjs';

test.use({ baseURL: base(), viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

const NAMES = ['Alice Bour', 'Bruno Decker', 'Carla Ewen', 'David Feller', 'Elsa Gales', 'Félix Hurt',
               'Gina Jacoby', 'Hugo Kayser', 'Iris Lanners', 'Jonas Mersch', 'Kim Nilles', 'Lina Olinger'];

test('a trainer marks a sheet of twelve on a phone and adds walk-ins', async ({ page }) => {
  const coord = await coordinator();
  const t = await trainer(coord, 'sophie.wirth@pfl.lu', 'Sophie Wirth');
  const session = await moduleSession(coord, { code: 'TWELVE', title: 'Puberté et changements', day: '2026-12-03',
                                               capacity: 14, trainers: [t.id] });
  const people = [];
  for (const [i, name] of NAMES.entries()) {
    const p = await staffMadeParticipant(coord, `p${i}.twelve@ecole.lu`, name);
    await register(session, p);
    people.push({ ...p, name });
  }
  await setClock('2026-12-03T09:10:00+01:00');
  await logIn(page, t.email, t.password);
  await page.goto('/trainer');
  await page.getByRole('link', { name: 'Puberté et changements' }).click();
  await expect(page.getByText('0 sur 12 personnes pointées')).toBeVisible();
  await expect(page.locator('.sheet-line')).toHaveCount(12);
  await checkPage(page, 'trainer-sheet-12-start');
  for (const [i, p] of people.entries()) {
    const mark = i === 4 ? 'Absent·e' : i === 7 ? 'Excusé·e' : 'Présent·e';
    await page.getByRole('button', { name: `${mark} – ${p.name}` }).click();
    await expect(page.getByRole('status')).toHaveText('Présence enregistrée.');
    await expect(page.locator('#p' + p.id + ' .badge')).toHaveText(mark);
  }
  await expect(page.getByText('12 sur 12 personnes pointées')).toBeVisible();

  // Someone already on the list at the door: told so, not added twice, marked present.
  await page.getByLabel('Adresse e-mail').fill(people[4].email);
  await page.getByRole('button', { name: 'Ajouter et pointer présent·e' }).click();
  await expect(page.getByRole('status')).toContainText('Cette personne était déjà sur la liste');
  await expect(page.locator('#p' + people[4].id + ' .badge')).toHaveText('Présent·e');
  await expect(page.locator('.sheet-line')).toHaveCount(12);
  // Someone new.
  await page.getByLabel('Adresse e-mail').fill('marc.pauly@foyer.lu');
  await page.getByLabel('Nom (nouvelle personne)').fill('Marc Pauly');
  await page.getByRole('button', { name: 'Ajouter et pointer présent·e' }).click();
  await expect(page.getByRole('status')).toHaveText('Nouvelle personne créée, inscrite et pointée présente.');
  await expect(page.getByText('13 sur 13 personnes pointées')).toBeVisible();
  await checkPage(page, 'trainer-sheet-12-marked');

  await page.getByRole('button', { name: 'Confirmer la feuille' }).click();
  await expect(page.getByRole('status')).toContainText('Feuille confirmée');
  const sheet = await must(api(`/api/v1/sessions/${session.id}/attendance`, { token: await coordinator() }));
  const status = Object.fromEntries(sheet.records.map((r) => [r.name, r.status]));
  expect(Object.values(status).filter((s) => s === 'present')).toHaveLength(12);
  expect(status).toMatchObject({ 'Elsa Gales': 'present', 'Hugo Kayser': 'excused', 'Marc Pauly': 'present' });
  expect(sheet.records).toHaveLength(13);
});
