// Events as they are held (issue 12): a German-language online colloquium found through the
// catalogue's language filter, its description on the session page, the online link shown once
// the registration is confirmed, the replay published from the desk after the event and its
// count; a two-day training marked part by part on the trainer's sheet.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, env, logIn, must, participant, setClock, trainer } from './lib.mjs';

test.use({ baseURL: base() });

test('a German online colloquium: language filter, description, link once confirmed, replay and its count', async ({ page, browser }) => {
  await setClock('2027-01-10T08:00:00+01:00');
  const coord = await coordinator();
  const m = await must(api('/api/v1/modules', { method: 'POST', token: coord, body: { code: 'KOLL-1', title: 'Kolloquium Sexualpädagogik', hours: 3 } }), 201);
  const s = await must(api('/api/v1/sessions', { method: 'POST', token: coord, body: {
    module_id: m.id, starts_at: '2027-03-04T09:00:00+01:00', ends_at: '2027-03-04T12:00:00+01:00', capacity: 80,
    min_registrants: 0, mode: 'online', online_link: 'https://meet.example.lu/kolloquium', language: 'de',
    audience: 'Fachkräfte der non-formalen Bildung', objectives: 'Sexuelle Bildung in Gruppen begleiten',
    trainers_organisation: 'Planning Familial', co_organisers: 'Service national de la jeunesse' } }), 201);
  const p = await participant('nora.weber@maisonrelais.lu', 'Nora Weber');

  await page.goto('/?language=de');
  const row = page.locator('li.session', { hasText: 'allemand' });
  await expect(row).toHaveCount(1);
  await expect(page.locator('#f-language')).toHaveValue('de');
  await checkPage(page, 'catalogue-language');
  await row.locator('a').click();
  await expect(page.getByText('Fachkräfte der non-formalen Bildung')).toBeVisible();
  await expect(page.getByText('https://meet.example.lu/kolloquium')).toHaveCount(0);

  await logIn(page, p.email, p.password);
  await page.goto(`/sessions/${s.id}`);
  await page.getByRole('button', { name: "S'inscrire" }).click();
  await expect(page.getByRole('link', { name: 'https://meet.example.lu/kolloquium' })).toBeVisible();
  await checkPage(page, 'session-online-link');

  // After the event the coordinator publishes the replay; the registrant's link is counted
  // (a sign-in lasts 12 hours of the test clock: both sign in again).
  await setClock('2027-03-05T10:00:00+01:00');
  await logIn(page, p.email, p.password);
  const desk = await (await browser.newContext({ baseURL: base(), locale: 'fr-FR' })).newPage();
  await logIn(desk, env().coordinator_email, env().coordinator_password);
  await desk.goto(`/desk/sessions/${s.id}`);
  await desk.getByLabel('Lien du replay').fill('https://video.example.lu/kolloquium');
  await desk.getByRole('button', { name: 'Publier le replay' }).click();
  await expect(desk.getByRole('status')).toHaveText('Replay enregistré.');
  await expect(desk.getByText('ouvert 0 fois')).toBeVisible();
  await checkPage(desk, 'desk-session-replay');

  await page.goto('/registrations');
  const replay = page.getByRole('link', { name: /Revoir l’événement/ });
  await expect(replay).toHaveAttribute('href', `/sessions/${s.id}/replay`);
  const opened = await page.request.get(`/sessions/${s.id}/replay`, { maxRedirects: 0 });
  expect(opened.status()).toBe(303);
  expect(opened.headers()['location']).toBe('https://video.example.lu/kolloquium');
  await desk.reload();
  await expect(desk.getByText('ouvert 1 fois')).toBeVisible();
  await desk.context().close();
});

test('a two-day training marked part by part on the trainer sheet', async ({ page }) => {
  await setClock('2027-01-10T08:00:00+01:00');
  const coord = await coordinator();
  const t = await trainer(coord, 'ines.koch@pfl.lu', 'Ines Koch');
  const m = await must(api('/api/v1/modules', { method: 'POST', token: coord, body: { code: 'ZWEI-1', title: 'Santé affective en deux journées', hours: 12 } }), 201);
  const s = await must(api('/api/v1/sessions', { method: 'POST', token: coord, body: {
    module_id: m.id, starts_at: '2027-03-04T09:00:00+01:00', ends_at: '2027-04-01T16:00:00+02:00', capacity: 10,
    min_registrants: 0, location: 'Cesas, Luxembourg', trainer_ids: [t.id] } }), 201);
  await must(api(`/api/v1/sessions/${s.id}/parts`, { method: 'PUT', token: coord, body: { parts: [
    { starts_at: '2027-03-04T09:00:00+01:00', ends_at: '2027-03-04T16:00:00+01:00', hours: 6 },
    { starts_at: '2027-04-01T09:00:00+02:00', ends_at: '2027-04-01T16:00:00+02:00', hours: 6 }] } }));
  const p = await participant('tom.klein@ecole.lu', 'Tom Klein');
  await must(api(`/api/v1/sessions/${s.id}/registrations`, { method: 'POST', token: p.token }), 201);

  await page.goto(`/sessions/${s.id}`);
  await expect(page.locator('ul.parts li')).toHaveCount(2);

  await setClock('2027-03-04T15:00:00+01:00');
  const coordNow = await coordinator();  // the morning's sign-in has expired on this clock
  await logIn(page, t.email, t.password);
  await page.goto(`/trainer/sessions/${s.id}`);
  await checkPage(page, 'trainer-sheet-parts');
  await page.getByRole('button', { name: 'Présent·e – Tom Klein, Partie 1' }).click();
  await expect(page.getByRole('button', { name: 'Présent·e – Tom Klein, Partie 1' })).toHaveAttribute('aria-pressed', 'true');
  const sheet = await must(api(`/api/v1/sessions/${s.id}/parts/attendance`, { token: coordNow }));
  expect(sheet.records[0].status).toBe('partial');
  expect(sheet.records[0].hours).toBe(6);
});
