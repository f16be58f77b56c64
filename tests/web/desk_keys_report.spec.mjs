// The coordinator's agencies page lists each agency's API keys by number (created, valid or
// revoked) with a revoke button each, the key itself shown once when made; the sessions report
// gives per session the registrations by status and channel, the attendance and the hours, for
// a year and a module, and its CSV; a session's registrants read as one block each on a phone.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, env, logIn, must, moduleSession, register, setClock, staffMadeParticipant } from './lib.mjs';

test.use({ baseURL: base() });

test('agency keys listed and revoked by their button; the sessions report and its CSV', async ({ page }) => {
  let coord = await coordinator();
  await must(api('/api/v1/agencies', { method: 'POST', token: coord, body: { code: 'CRL', name: 'Centre régional' } }), 201);
  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.goto('/desk');
  await page.getByRole('link', { name: 'Agences' }).click();
  const section = page.locator('#a-CRL');
  await expect(section).toContainText('Aucune clé.');
  await section.getByRole('button', { name: 'Créer une clé – CRL' }).click();
  const key = (await page.locator('code.secret').textContent()).trim();
  expect(key.length).toBeGreaterThan(20);
  await checkPage(page, 'desk-agencies-key-shown');
  const row = page.locator('#a-CRL tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('valide');
  const number = (await row.locator('td').first().textContent()).replace(/\D/g, '');
  await page.goto('/desk/agencies');
  expect(await page.content()).not.toContain(key);
  expect((await api('/api/v1/agencies/CRL/webhooks', { token: key })).status).toBe(200);
  await page.getByRole('button', { name: `Révoquer la clé – CRL n° ${number}` }).click();
  await expect(page.getByRole('status')).toHaveText('Clé révoquée.');
  await expect(page.locator('#a-CRL tbody tr')).toContainText('révoquée le');
  await expect(page.locator('#a-CRL').getByRole('button', { name: /Révoquer/ })).toHaveCount(0);
  expect((await api('/api/v1/agencies/CRL/webhooks', { token: key })).status).toBe(401);
  await checkPage(page, 'desk-agencies');

  // A session of three places: three registered (one waiting), then present, partial, absent.
  const session = await moduleSession(coord, { code: 'SREP', title: 'Rapport des sessions', day: '2026-12-08', capacity: 3 });
  const people = [];
  for (const [i, name] of ['Ana Kieffer', 'Tom Reding', 'Lou Schaus', 'Max Thill'].entries()) {
    const p = await staffMadeParticipant(coord, `p${i}.srep@ecole.lu`, name);
    await register(session, p);
    people.push(p);
  }
  await setClock('2026-12-08T10:00:00+01:00');
  coord = await coordinator();
  await must(api(`/api/v1/sessions/${session.id}/attendance`, { method: 'PUT', token: coord, body: { records: [
    { participant_id: people[0].id, status: 'present' }, { participant_id: people[1].id, status: 'partial', hours: 2 },
    { participant_id: people[2].id, status: 'absent' }] } }));
  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.goto(`/desk/sessions/${session.id}`);
  await checkPage(page, 'desk-session-registrants');

  await page.goto('/desk/report?year=2026');
  await page.getByRole('link', { name: 'Rapport des sessions' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sessions 2026');
  await page.getByLabel('Module').selectOption({ label: 'Rapport des sessions' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  const lines = page.locator('table.sessions-report tbody tr');
  await expect(lines).toHaveCount(1);
  expect((await lines.first().locator('td').allTextContents()).slice(1)).toEqual(['3', '1', '0', 'DIRECT 3', '1', '1', '1', '6']);
  await checkPage(page, 'desk-sessions-report');

  const csv = await page.request.get(await page.getByRole('link', { name: 'Télécharger en CSV' }).getAttribute('href'));
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain('Rapport des sessions');
  expect(text.trim().split(/\r?\n/)).toHaveLength(2);
  expect(text).toMatch(/;3;1;0;0;0;0;3;0;1;1;1;0;6\r\n$/);
});
