// With JavaScript off, every flow still works (the site serves no script at all): sign up,
// enrol, see it in "mon parcours", withdraw. And a participant cannot open another person's
// registration or attestation pages.
import { test, expect } from '@playwright/test';
import { api, base, logIn, must, participant, signUp } from './lib.mjs';

test.use({ baseURL: base(), javaScriptEnabled: false });

test('with JavaScript off: sign up, enrol, follow, withdraw', async ({ page }) => {
  await signUp(page, { name: 'Paul Schmit', email: 'paul.schmit@ecole.lu', password: 'noisetier au printemps 7' });
  await expect(page).toHaveURL(/\/parcours$/);

  await page.goto('/');
  const step = page.locator('article.module', { hasText: 'Contraception' });
  await step.locator('li.session a').first().click();
  await page.getByRole('button', { name: "S'inscrire" }).click();
  await expect(page.getByRole('status')).toContainText('Inscription confirmée');
  // (axe-core needs JavaScript: the other journeys run it on these pages.)
  await page.screenshot({ path: `${process.env.PARCOURS_SCREENSHOTS || 'screenshots'}/session-nojs-1280x800.png`, fullPage: true });

  await page.goto('/parcours');
  await expect(page.locator('li.module-step', { hasText: 'Contraception' }).getByText('inscrit·e')).toBeVisible();

  await page.goto('/registrations');
  await page.getByRole('button', { name: /Me désinscrire/ }).click();
  await expect(page).toHaveURL(/\/registrations\?done=withdrawn/);
  await expect(page.locator('li.card', { hasText: 'Contraception' })).toContainText('retirée');
});

test("a participant cannot open or change another person's registration", async ({ page }) => {
  const sessions = await must(api('/api/v1/sessions?limit=5'));
  const open = sessions.items.find((s) => s.status !== 'cancelled');
  const alice = await participant('alice.reuter@ecole.lu', 'Alice Reuter');
  const reg = await must(api(`/api/v1/sessions/${open.id}/registrations`, { method: 'POST', token: alice.token }), 201);
  const bob = await participant('bob.kieffer@ecole.lu', 'Bob Kieffer');

  await logIn(page, bob.email, bob.password);
  await expect(page).toHaveURL(/\/parcours$/);
  const cert = await page.goto(`/registrations/${reg.id}/certificate.pdf`);
  expect([403, 404]).toContain(cert.status());
  const pdf = await page.request.get('/attestations/1/pdf');
  expect([403, 404]).toContain(pdf.status());
  // A withdrawal sent by hand with Bob's own form token: refused, Alice stays registered.
  await page.goto('/registrations');
  const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
  const withdraw = await page.request.post(`/registrations/${reg.id}/withdraw`, { form: { csrf } });
  expect([403, 404]).toContain(withdraw.status());
  const mine = await must(api('/api/v1/me/registrations', { token: alice.token }));
  expect(mine.items.find((r) => r.id === reg.id).status).toBe('confirmed');
  await expect(page.locator('main')).not.toContainText('Alice');
});
