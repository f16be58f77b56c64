// Someone an agency enrolled opens the claim link of the e-mail and sets a password; the
// login-unlock page and an expired link read as they should.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, linkIn, mailTo, must } from './lib.mjs';

test.use({ baseURL: base() });

test('an agency-enrolled person claims the account from the e-mailed link', async ({ page }) => {
  const coord = await coordinator();
  const key = (await must(api('/api/v1/agencies/IFEN/keys', { method: 'POST', token: coord }), 201)).key;
  const sessions = await must(api('/api/v1/sessions?limit=50'));
  const ifen = sessions.items.find((s) => s.agency === 'IFEN');
  await must(api('/api/v1/agencies/IFEN/enrolments/IFEN-2027-0042', { method: 'PUT', token: key,
    body: { session_id: ifen.id, participant: { email: 'anne.schmit@ecole.lu', name: 'Anne Schmit', organisation: 'École fondamentale Bonnevoie' } } }), 201);

  const mail = await mailTo('anne.schmit@ecole.lu', (m) => m.subject.includes('compte'));
  const link = linkIn(mail, '/claim');
  expect(link).toMatch(/^\/claim\?token=/);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Activer mon compte');
  await checkPage(page, 'claim');
  await page.locator('#password').fill('mon mot de passe à moi');
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page).toHaveURL(/\/parcours\?done=claimed/);
  await expect(page.getByRole('status')).toContainText('Bienvenue');
  await expect(page.locator('li.module-step').filter({ hasText: 'inscrit·e' })).toHaveCount(1);

  // The link works once.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText("Ce lien n'est plus valable");
  await checkPage(page, 'link-expired');

  // A held-back login's link asks for a click (never signs in on a GET).
  await page.goto('/login/unlock?token=unl_unknown');
  await checkPage(page, 'unlock');
  await page.getByRole('button', { name: "C'est moi : me connecter" }).click();
  await expect(page.getByRole('alert')).toContainText("Ce lien n'est plus valable");
});
