// The coordinator finds a person who completed a pathway, issues her attestation from her
// record (the PDF link downloads a signed PDF), revokes it with a reason, and reads the yearly
// report with its CSV download.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { api, base, checkPage, completedPathway, env, logIn, login, must, participant } from './lib.mjs';

test.use({ baseURL: base() });

test('the coordinator finds a person and issues an attestation whose PDF downloads', async ({ page }) => {
  const sara = await participant('sara.lentz@ecole.lu', 'Sara Lentz');
  await completedPathway(sara, { code: 'EVAS', title: 'Vie affective à l\'école',
    modules: [['EVAS-1', 'Parler de l\'intime'], ['EVAS-2', 'Répondre aux questions']] });

  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.goto('/desk');
  await expect(page.locator('li.card', { hasText: 'Vie affective à l\'école' })).toContainText('1 parcours terminé(s) sans attestation');
  await page.getByRole('link', { name: 'Chercher une personne' }).click();
  await page.getByLabel('Nom, e-mail ou organisme').fill('lentz');
  await page.getByRole('button', { name: 'Chercher' }).click();
  await checkPage(page, 'desk-people');
  await page.getByRole('link', { name: 'Sara Lentz' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sara Lentz');
  const progress = page.locator('li.card', { hasText: 'Vie affective à l\'école' });
  await expect(progress).toContainText('8 h / 8 h');
  await progress.getByRole('button', { name: /Délivrer l'attestation/ }).click();
  await expect(page.getByRole('status')).toHaveText('Attestation délivrée.');
  await checkPage(page, 'desk-person');
  const [file] = await Promise.all([page.waitForEvent('download'),
                                    page.getByRole('link', { name: /Télécharger le PDF/ }).first().click()]);
  const pdf = readFileSync(await file.path());
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const mine = await must(api('/api/v1/me/attestations', { token: await login(sara.email, sara.password) }));
  expect(mine.items).toHaveLength(1);

  // Revoked with a reason; the verification page says so.
  await page.getByLabel('Motif de révocation').fill('Nom mal orthographié');
  await page.getByRole('button', { name: /Révoquer/ }).click();
  await expect(page.getByRole('status')).toHaveText('Attestation révoquée.');
  await expect(page.locator('li.card', { hasText: mine.items[0].verification_code })).toContainText('Nom mal orthographié');
  await expect(page.locator('#audit + .table-wrap')).toContainText('attestation.issued');

  // The yearly report and its CSV.
  await page.goto('/desk');
  await page.getByRole('link', { name: 'Rapport annuel' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Participation 2026');
  await expect(page.locator('table')).toContainText('Vie affective à l\'école');
  await checkPage(page, 'desk-report');
  const csv = await page.request.get('/desk/report.csv?year=2026');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain('Vie affective');
});
