// A new professional signs up, finds LTAS in the catalogue, enrols in a module date and sees
// it in "mon parcours" with one-click enrolment for the other modules.
import { test, expect } from '@playwright/test';
import { base, checkPage, signUp } from './lib.mjs';

test.use({ baseURL: base() });

test('a new professional signs up, enrols in an LTAS date and follows it in mon parcours', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Catalogue des formations');
  await expect(page.getByRole('heading', { name: "Let's Talk about Sex !" })).toBeVisible();
  await expect(page.getByText('7 modules · 32 h au total')).toBeVisible();
  await checkPage(page, 'catalogue');

  // Filters without JavaScript: a GET form.
  await page.getByLabel('Module').selectOption({ label: 'Contraception' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/module=/);
  await expect(page.locator('article.module h3', { hasText: 'Contraception' })).toBeVisible();

  await page.goto('/signup');
  await checkPage(page, 'signup');
  await signUp(page, { name: 'Léa Muller', organisation: 'Lycée Michel-Rodange', email: 'lea.muller@ecole.lu',
                       password: 'tilleul et cerisier 2027' });
  await expect(page).toHaveURL(/\/parcours$/);
  await expect(page.getByText('Vous n\'avez encore commencé aucun parcours')).toBeVisible();
  await checkPage(page, 'parcours-empty');

  // Find LTAS, open the first date of "Puberté-anatomie", register.
  await page.goto('/');
  const pub = page.locator('article.module', { hasText: 'Puberté-anatomie' });
  await pub.locator('li.session a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Puberté-anatomie');
  await expect(page.getByText('Cette session est proposée par IFEN.', { exact: false })).toBeVisible();
  await checkPage(page, 'session');
  await page.getByRole('button', { name: "S'inscrire" }).click();
  await expect(page.getByRole('status')).toContainText('Inscription confirmée');
  await expect(page.getByText('Vous êtes inscrit·e à cette session.')).toBeVisible();

  await page.getByRole('link', { name: 'Mon parcours' }).click();
  await expect(page.getByRole('heading', { name: "Let's Talk about Sex !" })).toBeVisible();
  await expect(page.getByText('0 h / 32 h')).toBeVisible();
  const step = page.locator('li.module-step', { hasText: 'Puberté-anatomie' });
  await expect(step.getByText('inscrit·e')).toBeVisible();
  await expect(step).toContainText('mardi 19 janvier 2027, 14 h – 18 h');
  await checkPage(page, 'parcours');

  // One click on the next date of another module.
  const contraception = page.locator('li.module-step', { hasText: 'Contraception' });
  await contraception.getByRole('button', { name: "M'inscrire" }).first().click();
  await expect(page.getByRole('status')).toContainText('Inscription confirmée');
  await expect(page.locator('li.module-step', { hasText: 'Contraception' }).getByText('inscrit·e')).toBeVisible();

  await page.getByRole('link', { name: 'Mes inscriptions' }).click();
  await expect(page.locator('li.card')).toHaveCount(2);
  await expect(page.locator('li.card', { hasText: 'Puberté-anatomie' })).toContainText('confirmée');
  await checkPage(page, 'registrations');

  // Keyboard only: the skip link comes first and leads to the content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Aller au contenu' })).toBeFocused();
});
