// Two participants check themselves in from their own browser contexts by the QR code's URL:
// the trainer's code page draws the URL as a QR code (server-side SVG, read back here with
// zbarimg from a screenshot), each participant opens it, signs in, and is marked present; the
// trainer sees both and confirms the sheet (the third registrant, who never came, is absent).
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, logIn, must, moduleSession, participant, qrTextOfPng, register, setClock, trainer } from './lib.mjs';

test.use({ baseURL: base(), viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

test('two participants check themselves in by the QR URL and the trainer confirms', async ({ page, browser }) => {
  const coord = await coordinator();
  const t = await trainer(coord, 'yves.schmit@pfl.lu', 'Yves Schmit');
  const session = await moduleSession(coord, { code: 'QR-1', title: 'Médias et images', day: '2026-12-04', trainers: [t.id] });
  const zoe = await participant('zoe.kremer@ecole.lu', 'Zoé Kremer');
  const tim = await participant('tim.braun@ecole.lu', 'Tim Braun');
  const ana = await participant('ana.lopes@ecole.lu', 'Ana Lopes');
  for (const p of [zoe, tim, ana]) await register(session, p);
  await setClock('2026-12-04T09:05:00+01:00');

  await logIn(page, t.email, t.password);
  await page.goto(`/trainer/sessions/${session.id}/code`);
  const qr = page.locator('svg.qr');
  await expect(qr).toBeVisible();
  await checkPage(page, 'trainer-code-qr');
  const url = qrTextOfPng(await qr.screenshot());
  const code = (await page.locator('.checkin-code').textContent()).trim();
  expect(url).toMatch(new RegExp(`/sessions/${session.id}/check-in\\?code=${code}$`));
  const target = new URL(url);

  for (const p of [zoe, tim]) {
    const phone = await (await browser.newContext({ baseURL: base(), locale: 'fr-FR', viewport: { width: 360, height: 740 },
                                                    isMobile: true, hasTouch: true })).newPage();
    await phone.goto(target.pathname + target.search);
    await expect(phone).toHaveURL(/\/login\?next=/);
    await phone.locator('#email').fill(p.email);
    await phone.locator('#password').fill(p.password);
    await phone.locator('main button[type=submit]').click();
    await expect(phone.getByLabel('Code affiché par le formateur ou la formatrice')).toHaveValue(code);
    await phone.getByRole('button', { name: 'Je suis présent·e' }).click();
    await expect(phone.getByRole('status')).toHaveText('Votre présence est enregistrée. Bonne formation !');
    if (p === zoe) await checkPage(phone, 'check-in-by-qr');
    await phone.context().close();
  }

  await page.getByRole('link', { name: 'Nouveau code' }).click();
  await expect(page.getByText('2 sur 3 inscrit·es')).toBeVisible();
  for (const name of ['Zoé Kremer', 'Tim Braun']) await expect(page.locator('main li', { hasText: name })).toBeVisible();
  await page.goto(`/trainer/sessions/${session.id}`);
  await page.getByRole('button', { name: 'Confirmer la feuille' }).click();
  await expect(page.getByRole('status')).toContainText('Feuille confirmée');
  const sheet = await must(api(`/api/v1/sessions/${session.id}/attendance`, { token: await coordinator() }));
  const status = Object.fromEntries(sheet.records.map((r) => [r.name, r.status]));
  expect(status).toMatchObject({ 'Zoé Kremer': 'present', 'Tim Braun': 'present', 'Ana Lopes': 'absent' });
});
