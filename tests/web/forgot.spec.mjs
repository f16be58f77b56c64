// Forgot password end to end: the same answer for any address, the e-mailed link, the new
// password, the link used up.
import { test, expect } from '@playwright/test';
import { base, checkPage, linkIn, logIn, mailTo, participant } from './lib.mjs';

test.use({ baseURL: base() });

test('forgot password: e-mailed one-time link, new password, signed in', async ({ page }) => {
  const me = await participant('paul.thill@sante.lu', 'Paul Thill');
  await page.goto('/login');
  await checkPage(page, 'login');
  await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await checkPage(page, 'forgot');
  await page.locator('#email').fill('nobody@nowhere.lu');
  await page.getByRole('button', { name: 'Envoyer le lien' }).click();
  const unknownAnswer = await page.getByRole('status').textContent();

  await page.goto('/password/forgot');
  await page.locator('#email').fill(me.email);
  await page.getByRole('button', { name: 'Envoyer le lien' }).click();
  await expect(page.getByRole('status')).toHaveText(unknownAnswer);
  await checkPage(page, 'forgot-sent');

  const mail = await mailTo(me.email, (m) => m.text.includes('/password/reset'));
  const link = linkIn(mail, '/password/reset');
  await page.goto(link);
  await checkPage(page, 'reset');
  await page.locator('#password').fill('short');
  await page.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
  // The browser's own check (minlength) keeps the form; nothing was sent.
  await expect(page).toHaveURL(new RegExp(link.replace(/[?]/g, '\\?')));
  await page.locator('#password').fill('un tout nouveau mot de passe');
  await page.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
  await expect(page).toHaveURL(/\/parcours\?done=password_set/);
  await expect(page.getByRole('status')).toContainText('nouveau mot de passe');

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await logIn(page, me.email, me.password);
  await expect(page.getByRole('alert')).toContainText('incorrect');
  await logIn(page, me.email, 'un tout nouveau mot de passe');
  await expect(page).toHaveURL(/\/parcours$/);
});
