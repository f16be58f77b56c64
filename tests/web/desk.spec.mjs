// The coordinator's desk: a session at risk on the dashboard (days left, fill rate) is
// confirmed early; a capacity below the registered is refused and explained in the form, then a
// larger one is saved; a professional gets 403 on the staff pages and sees no link to them;
// nobody signed in is sent to the login page.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, env, logIn, must, moduleSession, participant, register } from './lib.mjs';

test.use({ baseURL: base() });

test('the coordinator confirms an at-risk session early and edits a capacity', async ({ page, browser }) => {
  const coord = await coordinator();
  // Decisions within the next 14 days (the test clock says 1 December 2026).
  const risky = await moduleSession(coord, { code: 'RISK-1', title: 'Diversité et inclusion', day: '2026-12-15', min: 3,
                                            decision: '2026-12-08T09:00:00+01:00' });
  const busy = await moduleSession(coord, { code: 'FULL-1', title: 'Droits sexuels', day: '2026-12-16', min: 1,
                                           decision: '2026-12-09T09:00:00+01:00' });
  const p1 = await participant('noe.wagner@ecole.lu', 'Noé Wagner');
  const p2 = await participant('zoe.becker@ecole.lu', 'Zoé Becker');
  await register(risky, p1);
  for (const p of [p1, p2]) await register(busy, p);

  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.getByRole('link', { name: 'Coordination' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Coordination');
  const card = page.locator('li.card', { hasText: 'Diversité et inclusion' });
  await expect(card.locator('.badge')).toHaveText('en risque');
  await expect(card).toContainText('décision dans 7 jour(s)');
  await expect(card).toContainText('1 inscrit·es sur 10 places, minimum 3');
  await expect(card).toContainText('Remplissage 10 %');
  await expect(page.locator('li.card', { hasText: 'Droits sexuels' }).locator('.badge')).toHaveText('minimum atteint');
  await checkPage(page, 'desk');
  await card.getByRole('button', { name: /Confirmer maintenant/ }).click();
  await expect(page.getByRole('status')).toHaveText('Session confirmée.');
  await expect(page.locator('li.card', { hasText: 'Diversité et inclusion' })).toHaveCount(0);
  expect((await must(api(`/api/v1/sessions/${risky.id}`))).status).toBe('confirmed');

  // Edit a capacity: below the two registered it is refused and explained.
  await page.goto(`/desk/sessions/${busy.id}`);
  await expect(page.locator('table')).toContainText('Zoé Becker');
  await checkPage(page, 'desk-session');
  await page.getByLabel('Capacité (places)').fill('1');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('alert')).toContainText('2 personnes sont inscrites');
  await expect(page.getByLabel('Capacité (places)')).toHaveValue('1');
  await checkPage(page, 'desk-session-refused');
  expect((await must(api(`/api/v1/sessions/${busy.id}`))).capacity).toBe(10);
  await page.getByLabel('Capacité (places)').fill('14');
  await page.getByLabel('Lieu').fill('Maison de la Femme, Luxembourg');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('status')).toHaveText('Modifications enregistrées.');
  const after = await must(api(`/api/v1/sessions/${busy.id}`));
  expect(after.capacity).toBe(14);
  expect(after.location).toBe('Maison de la Femme, Luxembourg');

  // A professional: no staff link, 403 on the staff pages; nobody signed in: the login page.
  const pro = await (await browser.newContext({ baseURL: base(), locale: 'fr-FR' })).newPage();
  await logIn(pro, p2.email, p2.password);
  await expect(pro).toHaveURL(/\/parcours$/);
  await expect(pro.getByRole('link', { name: 'Coordination' })).toHaveCount(0);
  await expect(pro.getByRole('link', { name: 'Mes sessions' })).toHaveCount(0);
  for (const path of ['/desk', `/desk/sessions/${busy.id}`, '/desk/people', '/trainer', `/trainer/sessions/${busy.id}`])
    expect((await pro.request.get(path)).status(), path).toBe(403);
  await pro.goto('/desk');
  await expect(pro.getByRole('heading', { level: 1 })).toContainText('403');
  await checkPage(pro, 'desk-forbidden');
  const anyone = await (await browser.newContext({ baseURL: base(), locale: 'fr-FR' })).newPage();
  await anyone.goto('/desk');
  await expect(anyone).toHaveURL(/\/login\?next=\/desk$/);
});
