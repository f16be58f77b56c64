// Session documents in the pages (issue 12 item 4): the trainer adds a handout from the sheet
// (a 2 MiB PDF through the multipart form, admitted from the request's head by the session
// cookie), a confirmed registrant downloads it from the session page, someone not registered
// sees no documents, the coordinator sees it on the desk's session page and removes it.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { base, checkPage, coordinator, logIn, moduleSession, must, api, register, staffMadeParticipant, trainer } from './lib.mjs';

test.use({ baseURL: base() });

function pdf(size) {
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const body = Buffer.alloc(size - head.length, 'a');
  return Buffer.concat([head, body]);
}

test('a trainer adds a document from the sheet, a registrant downloads it, the coordinator removes it', async ({ page, browser }) => {
  const coord = await coordinator();
  const t = await trainer(coord, 'docs.trainer@pf.lu', 'Dora Trainer');
  const session = await moduleSession(coord, { code: 'DOC-1', title: 'Synthèse et supports', day: '2027-01-14', trainers: [t.id] });
  const anne = await staffMadeParticipant(coord, 'anne.docs@ecole.lu', 'Anne Docs');
  const paul = await staffMadeParticipant(coord, 'paul.docs@ecole.lu', 'Paul Docs');
  await register(session, anne);

  await logIn(page, t.email, t.password);
  await page.goto(`/trainer/sessions/${session.id}`);
  const docs = page.locator('section[aria-labelledby=documents-title]');
  await expect(docs).toContainText('Aucun document pour l’instant.');
  await docs.getByLabel(/Fichier/).setInputFiles({ name: 'support-séance.pdf', mimeType: 'application/pdf', buffer: pdf(2 * 1024 * 1024) });
  await docs.getByLabel('Titre (facultatif)').fill('Support de la séance');
  await docs.getByRole('button', { name: 'Ajouter le document' }).click();
  await expect(page).toHaveURL(new RegExp(`/trainer/sessions/${session.id}\\?done=document_added`));
  await expect(page.getByRole('status').filter({ hasText: 'Le document est ajouté.' })).toBeVisible();
  await expect(docs.getByRole('link', { name: 'Support de la séance' })).toBeVisible();
  await checkPage(page, 'trainer-sheet-documents');
  // A file that is not a document is refused, and nothing is added.
  await docs.getByLabel(/Fichier/).setInputFiles({ name: 'page.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  await docs.getByRole('button', { name: 'Ajouter le document' }).click();
  await expect(page.locator('main')).toContainText('Ce type de fichier n’est pas accepté');
  const listed = await must(api(`/api/v1/sessions/${session.id}/documents`, { token: coord }));
  expect(listed.items).toHaveLength(1);
  expect(listed.items[0].size).toBe(2 * 1024 * 1024);

  // The confirmed registrant downloads it from the session page.
  const anneContext = await browser.newContext({ baseURL: base() });
  const annePage = await anneContext.newPage();
  await logIn(annePage, anne.email, anne.password);
  await annePage.goto(`/sessions/${session.id}`);
  const link = annePage.getByRole('link', { name: 'Support de la séance' });
  await expect(link).toBeVisible();
  await checkPage(annePage, 'session-documents');
  const [file] = await Promise.all([annePage.waitForEvent('download'), link.click()]);
  expect(file.suggestedFilename()).toContain('support');
  const bytes = readFileSync(await file.path());
  expect(bytes.length).toBe(2 * 1024 * 1024);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  await anneContext.close();

  // Someone not registered sees no documents, and cannot fetch the file.
  const paulContext = await browser.newContext({ baseURL: base() });
  const paulPage = await paulContext.newPage();
  await logIn(paulPage, paul.email, paul.password);
  await paulPage.goto(`/sessions/${session.id}`);
  await expect(paulPage.locator('section[aria-labelledby=documents-title]')).toHaveCount(0);
  expect((await paulPage.request.get(`/sessions/${session.id}/documents/${listed.items[0].id}`)).status()).toBe(403);
  // Nor upload to it: the trainer of another session neither (403 page).
  await paulContext.close();

  // The coordinator removes it from the desk's session page.
  const coordContext = await browser.newContext({ baseURL: base() });
  const coordPage = await coordContext.newPage();
  const env = JSON.parse(process.env.PARCOURS_WEB_ENV);
  await logIn(coordPage, env.coordinator_email, env.coordinator_password);
  await coordPage.goto(`/desk/sessions/${session.id}`);
  const deskDocs = coordPage.locator('section[aria-labelledby=documents-title]');
  await checkPage(coordPage, 'desk-session-documents');
  await deskDocs.getByRole('button', { name: /Retirer \(Support de la séance\)/ }).click();
  await expect(coordPage).toHaveURL(new RegExp(`/desk/sessions/${session.id}\\?done=document_deleted`));
  await expect(coordPage.getByRole('status').filter({ hasText: 'Le document est retiré.' })).toBeVisible();
  await expect(deskDocs).toContainText('Aucun document pour l’instant.');
  expect((await must(api(`/api/v1/sessions/${session.id}/documents`, { token: coord }))).items).toHaveLength(0);
  await coordContext.close();
});
