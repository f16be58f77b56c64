// Self check-in: the trainer shows the rotating code on their phone; a registered professional
// types it on their own phone and is marked present; a wrong code is refused with words; the
// trainer sees who checked in.
import { test, expect } from '@playwright/test';
import { base, checkPage, coordinator, logIn, moduleSession, participant, register, setClock, trainer } from './lib.mjs';

test.use({ baseURL: base(), viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

test('a professional checks in with the code the trainer shows', async ({ page, browser }) => {
  const coord = await coordinator();
  const t = await trainer(coord, 'ines.thill@pfl.lu', 'Inès Thill');
  const session = await moduleSession(coord, { code: 'CHK-1', title: 'Relations et émotions', day: '2026-12-04', trainers: [t.id] });
  const lou = await participant('lou.kieffer@ecole.lu', 'Lou Kieffer');
  await register(session, lou);
  await setClock('2026-12-04T09:05:00+01:00');

  await logIn(page, t.email, t.password);
  await page.goto(`/trainer/sessions/${session.id}`);
  await page.getByRole('link', { name: 'Afficher le code de pointage' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Code de pointage');
  const code = (await page.locator('.checkin-code').textContent()).trim();
  expect(code).toMatch(/^[0-9A-Z]{10}$/);
  await expect(page.getByText('0 sur 1 inscrit·es')).toBeVisible();
  await checkPage(page, 'trainer-code');

  const phone = await (await browser.newContext({ baseURL: base(), locale: 'fr-FR', viewport: { width: 360, height: 740 } })).newPage();
  await phone.goto(`/sessions/${session.id}/check-in`);
  await expect(phone).toHaveURL(/\/login\?next=/);
  await phone.locator('#email').fill(lou.email);
  await phone.locator('#password').fill(lou.password);
  await phone.locator('main button[type=submit]').click();
  await expect(phone).toHaveURL(new RegExp(`/sessions/${session.id}/check-in$`));
  await checkPage(phone, 'check-in-form');
  await phone.getByLabel('Code affiché par le formateur ou la formatrice').fill('AAAAAAAAAA');
  await phone.getByRole('button', { name: 'Je suis présent·e' }).click();
  await expect(phone.getByRole('alert')).toContainText('Ce n\'est pas le code actuel');
  await phone.getByLabel('Code affiché par le formateur ou la formatrice').fill(code.toLowerCase());
  await phone.getByRole('button', { name: 'Je suis présent·e' }).click();
  await expect(phone.getByRole('status')).toHaveText('Votre présence est enregistrée. Bonne formation !');
  await checkPage(phone, 'check-in-done');

  await page.getByRole('link', { name: 'Nouveau code' }).click();
  await expect(page.getByText('1 sur 1 inscrit·es')).toBeVisible();
  await expect(page.locator('main li', { hasText: 'Lou Kieffer' })).toBeVisible();
  await page.goto(`/trainer/sessions/${session.id}`);
  await expect(page.locator('#p' + lou.id)).toContainText('auto-pointage');
});
