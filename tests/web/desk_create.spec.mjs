// The coordinator creates a session on the new-session form (a refused form says why, in
// French), assigns a trainer on its admin page, sees it at risk in the sessions list (fill bar,
// registrations missing before the decision date); the decision pass (test clock) cancels it
// and the registrants get the notice.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, env, logIn, mailTo, must, participant, register, setClock, trainer } from './lib.mjs';

test.use({ baseURL: base() });

test('create a session, assign a trainer, see it at risk; the decision cancels it and the registrants are told', async ({ page }) => {
  const coord = await coordinator();
  const t = await trainer(coord, 'lena.hansen@pfl.lu', 'Lena Hansen');
  await must(api('/api/v1/modules', { method: 'POST', token: coord, body: { code: 'NEW-1', title: 'Sexualité et handicap', hours: 4 } }), 201);
  const a = await participant('mia.reuter@ecole.lu', 'Mia Reuter');
  const b = await participant('luc.berg@ecole.lu', 'Luc Berg');

  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.goto('/desk');
  await page.getByRole('link', { name: 'Sessions', exact: true }).click();
  await page.getByRole('link', { name: 'Nouvelle session' }).click();
  await checkPage(page, 'desk-session-new');
  await page.getByLabel('Module').selectOption({ label: 'NEW-1 – Sexualité et handicap' });
  await page.getByLabel('Début').fill('2026-12-20T09:00');
  await page.getByLabel('Fin', { exact: true }).fill('2026-12-20T08:00');
  await page.getByLabel('Capacité (places)').fill('12');
  await page.getByLabel('Lieu').fill('Cesas, Luxembourg');
  await page.getByRole('button', { name: 'Créer la session' }).click();
  await expect(page.getByRole('alert')).toContainText('doit être après le début');
  await checkPage(page, 'desk-session-new-refused');
  await page.getByLabel('Fin', { exact: true }).fill('2026-12-20T13:00');
  await page.getByRole('button', { name: 'Créer la session' }).click();
  await expect(page.getByRole('status')).toHaveText('Session créée.');
  const id = page.url().match(/\/desk\/sessions\/(\d+)/)[1];
  const created = await must(api(`/api/v1/sessions/${id}`));
  expect(created.min_registrants).toBe(10);
  expect(created.decision_at).toBe('2026-12-06T09:00:00+01:00');

  // A trainer assigned on its admin page.
  await page.getByLabel('Lena Hansen (Planning Familial)').check();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('status')).toHaveText('Modifications enregistrées.');
  expect((await must(api(`/api/v1/sessions/${id}`, { token: coord }))).trainer_ids).toEqual([t.id]);

  // Two registrants of the ten wanted: at risk in the list.
  for (const p of [a, b]) await register({ id }, p);
  // The list comes 20 sessions a page (a phone scrolls a few screens, not dozens); the filter
  // from a day finds the session.
  await page.goto('/desk/sessions');
  expect(await page.locator('li.card').count()).toBeLessThanOrEqual(20);
  await page.getByLabel('À partir du').fill('2026-12-20');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  const card = page.locator('li.card', { hasText: 'Sexualité et handicap' });
  await expect(card.locator('.badge.bad')).toHaveText('en risque');
  await expect(card).toContainText('il manque 8 inscription(s), décision dans 5 jour(s)');
  await expect(card.locator('svg.fill-bar')).toHaveAttribute('aria-label', '2 inscrit·es sur 12 places, minimum 10, 0 en attente');
  await checkPage(page, 'desk-sessions');
  await page.getByLabel('Seulement les sessions en risque').check();
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page.locator('li.card', { hasText: 'Sexualité et handicap' })).toHaveCount(1);

  // The decision date passes with two registrants: cancelled, the registrants told.
  await setClock('2026-12-06T09:30:00+01:00');
  await expect.poll(async () => (await must(api(`/api/v1/sessions/${id}`))).status).toBe('cancelled');
  for (const p of [a, b]) {
    const mail = await mailTo(p.email, (m) => /annul/i.test(m.subject + m.text) && m.text.includes('Sexualité et handicap'));
    expect(mail.text).toContain('Sexualité et handicap');
  }
  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.goto('/desk/sessions?from=2026-12-01&status=cancelled');
  await expect(page.locator('li.card', { hasText: 'Sexualité et handicap' })).toContainText('annulée');
});
