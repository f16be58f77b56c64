// Languages: the switch gives German pages (texts, dates), the browser's Accept-Language is
// followed, the profile's language is kept.
import { test, expect } from '@playwright/test';
import { base, checkPage, logIn, participant } from './lib.mjs';

test.use({ baseURL: base() });

test('the language switch gives German pages', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Deutsch' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fortbildungskatalog');
  await expect(page.getByText('Dienstag, 19. Januar 2027, 14:00–18:00 Uhr').first()).toBeVisible();
  await checkPage(page, 'catalogue-de');
  await page.getByRole('link', { name: 'Anmelden' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anmeldung');
  await checkPage(page, 'login-de');
});

test.describe('a browser that prefers English', () => {
  test.use({ locale: 'en-GB' });
  test('Accept-Language is followed, the profile language wins once chosen', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Training catalogue');
    const me = await participant('ben.schmit@jugend.lu', 'Ben Schmit');
    await logIn(page, me.email, me.password);
    // Signed in, the profile's language wins over the browser's (French, the account's default).
    await page.goto('/profile');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await checkPage(page, 'profile');
    await page.getByLabel(/Langue préférée/).selectOption('de');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByRole('status')).toHaveText('Ihr Profil ist gespeichert.');
    await page.goto('/parcours');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mein Parcours');
    // The calendar subscription, shown once, renewable and revocable.
    await page.goto('/profile');
    await page.getByRole('button', { name: 'Meine Abonnement-Adresse erstellen' }).click();
    const url = await page.getByLabel('Abonnement-Adresse').inputValue();
    expect(url).toMatch(new RegExp(`^${base()}/calendar/cal_[A-Za-z0-9_-]+\\.ics$`));
    await checkPage(page, 'profile-calendar');
    const ics = await fetch(url).then((r) => r.text());
    expect(ics).toContain('X-WR-CALNAME:Parcours – meine Fortbildungen');
    await page.goto('/profile');
    await page.getByRole('button', { name: 'Abonnement deaktivieren' }).click();
    expect((await fetch(url)).status).toBe(404);
  });
});
