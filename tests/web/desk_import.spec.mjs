// The coordinator imports a history CSV (uploaded on the import page): a refused file names its
// lines and records nothing; the right one says what it recorded. A person's record shows the
// pathway complete; the batch issues the attestations of everyone due; one is revoked with a
// reason, and the next batch does not issue it again.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, env, logIn, must } from './lib.mjs';

test.use({ baseURL: base() });

test('import a history, issue the attestations in batch, revoke one: the next batch does not re-issue it', async ({ page }) => {
  const coord = await coordinator();
  const pathway = await must(api('/api/v1/pathways', { method: 'POST', token: coord, body: {
    code: 'HIST', title: 'Parcours historique', modules: [
      { code: 'HIST-1', title: 'Corps et puberté', hours: 4 }, { code: 'HIST-2', title: 'Relations et consentement', hours: 4 }] } }), 201);
  const people = [['lea.muller@lycee.lu', 'Léa Muller'], ['tom.weis@maison-relais.lu', 'Tom Weis'], ['nina.roth@foyer.lu', 'Nina Roth']];
  let csv = 'email,name,module,date,status,hours,channel\n';
  for (const [email, name] of people) csv += `${email},${name},HIST-1,2025-03-10,present,,IFEN\n${email},${name},HIST-2,2025-04-14,present,,IFEN\n`;
  csv += 'max.klein@ecole.lu,Max Klein,HIST-1,2025-03-10,partial,2,DIRECT\n';

  await logIn(page, env().coordinator_email, env().coordinator_password);
  await page.goto('/desk/import');
  const upload = (text) => page.getByLabel('Fichier CSV').setInputFiles({ name: 'historique.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  // A file with a bad line: refused whole, the line named.
  await upload(csv + 'x@ecole.lu,X,HIST-9,2031-01-01,present,,DIRECT\n');
  await page.getByRole('button', { name: 'Importer' }).click();
  await expect(page.getByRole('alert')).toContainText('Import refusé : rien n\'a été enregistré.');
  await expect(page.getByRole('alert').locator('tbody tr').first()).toContainText('9');
  await checkPage(page, 'desk-import-refused');
  expect((await must(api('/api/v1/people?q=lea.muller', { token: coord }))).items).toHaveLength(0);
  await upload(csv);
  await page.getByRole('button', { name: 'Importer' }).click();
  await expect(page.getByRole('status')).toContainText('Import enregistré : 7 ligne(s), 7 présence(s) enregistrée(s)');

  // A person's record: the pathway complete.
  await page.goto('/desk/people?q=muller');
  await page.getByRole('link', { name: 'Léa Muller' }).click();
  await expect(page.locator('li.card', { hasText: 'Parcours historique' })).toContainText('8 h / 8 h');

  // The batch from the desk: the three who completed it.
  await page.goto('/desk');
  const due = page.locator('li.card', { hasText: 'Parcours historique' });
  await expect(due).toContainText('3 parcours terminé(s) sans attestation');
  await due.getByRole('button', { name: /Délivrer les attestations/ }).click();
  await expect(page.getByRole('status')).toHaveText('3 attestation(s) délivrée(s).');
  await expect(page.locator('li.card', { hasText: 'Parcours historique' })).toHaveCount(0);

  // One revoked with a reason.
  await page.goto('/desk/people?q=weis');
  await page.getByRole('link', { name: 'Tom Weis' }).click();
  await page.getByLabel('Motif de révocation').fill('Participation comptée deux fois');
  await page.getByRole('button', { name: /Révoquer/ }).click();
  await expect(page.getByRole('status')).toHaveText('Attestation révoquée.');
  await checkPage(page, 'desk-person-revoked');

  // The next batch leaves it revoked: nothing is due, nothing is issued.
  await page.goto('/desk');
  await expect(page.locator('li.card', { hasText: 'Parcours historique' })).toHaveCount(0);
  const again = await must(api(`/api/v1/pathways/${pathway.id}/attestations`, { method: 'POST', token: coord }));
  expect(again.items).toHaveLength(0);
  const tom = (await must(api('/api/v1/people?q=weis', { token: coord }))).items[0];
  const record = await must(api(`/api/v1/people/${tom.id}`, { token: coord }));
  expect(record.attestations).toHaveLength(1);
  expect(record.attestations[0].revoked_at).not.toBeNull();
});
