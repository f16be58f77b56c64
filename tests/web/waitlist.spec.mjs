// A professional joins a full session's waiting list, sees the position, and sees the
// promotion once someone withdraws.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, logIn, must, participant } from './lib.mjs';

test.use({ baseURL: base() });

test('the waiting list: position shown, promotion seen after a withdrawal', async ({ page }) => {
  const coord = await coordinator();
  const module = await must(api('/api/v1/modules', { method: 'POST', token: coord,
    body: { code: 'ATELIER-1', title: 'Atelier mensuel : consentement', hours: 3 } }), 201);
  const session = await must(api('/api/v1/sessions', { method: 'POST', token: coord,
    body: { module_id: module.id, starts_at: '2027-02-11T18:00:00+01:00', ends_at: '2027-02-11T21:00:00+01:00',
            capacity: 1, min_registrants: 1, location: 'Cesas, Luxembourg' } }), 201);
  const first = await participant('marc.weber@maison-relais.lu', 'Marc Weber');
  const reg = await must(api(`/api/v1/sessions/${session.id}/registrations`, { method: 'POST', token: first.token }), 201);
  const me = await participant('sophie.hoffmann@ecole.lu', 'Sophie Hoffmann');

  await logIn(page, me.email, me.password);
  await page.goto(`/sessions/${session.id}`);
  await expect(page.getByText('1 inscrit·es sur 1')).toBeVisible();
  await page.getByRole('button', { name: "Rejoindre la liste d'attente" }).click();
  await expect(page.getByText("Vous êtes sur la liste d'attente, en position 1.")).toBeVisible();
  await checkPage(page, 'session-waitlisted');

  await page.goto('/registrations');
  const card = page.locator('li.card', { hasText: 'Atelier mensuel : consentement' });
  await expect(card).toContainText("liste d'attente · position 1");
  await checkPage(page, 'registrations-waitlisted');

  // The person ahead withdraws: the first waiting person is registered at once.
  await must(api(`/api/v1/registrations/${reg.id}`, { method: 'DELETE', token: first.token }));
  await page.reload();
  await expect(page.locator('li.card', { hasText: 'Atelier mensuel : consentement' })).toContainText('confirmée');
  await page.goto(`/sessions/${session.id}`);
  await expect(page.getByText('Vous êtes inscrit·e à cette session.')).toBeVisible();

  // And withdraws herself from her page.
  await page.goto('/registrations');
  await page.getByRole('button', { name: /Me désinscrire/ }).click();
  await expect(page).toHaveURL(/\/registrations\?done=withdrawn/);
  await expect(page.locator('li.card', { hasText: 'Atelier mensuel : consentement' })).toContainText('retirée');
});
