// After completion (test clock), the attestation downloads from the person's pages, its QR code
// (decoded from the PDF) opens the verification page saying valid, then revoked after a
// revocation; the attendance certificate verifies the same way; nobody else gets at them.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { api, base, checkPage, completedPathway, logIn, must, participant, qrUrlOfPdf } from './lib.mjs';

test.use({ baseURL: base() });

async function download(page, linkName) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).first().click()]);
  return readFileSync(await file.path());
}

test('attestation and attendance certificate: download, QR code, valid, revoked', async ({ page, browser }) => {
  const me = await participant('julie.kremer@ecole.lu', 'Julie Kremer');
  const { pathway, coord } = await completedPathway(me, { code: 'PREV', title: 'Prévention des violences',
    modules: [['PREV-1', 'Repérer les violences'], ['PREV-2', 'Accompagner une victime']] });
  const attestation = await must(api('/api/v1/attestations', { method: 'POST', token: coord,
    body: { participant_id: me.id, pathway_id: pathway.id } }), 201);

  await logIn(page, me.email, me.password);
  await page.goto('/parcours');
  await expect(page.getByText('Parcours terminé')).toBeVisible();
  await expect(page.getByText('8 h / 8 h')).toBeVisible();
  await checkPage(page, 'parcours-complete');
  await page.goto('/attestations');
  await checkPage(page, 'attestations');
  const pdf = await download(page, /Télécharger le PDF/);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const url = qrUrlOfPdf(pdf);
  expect(url).toBe(`${base()}/verify/${attestation.verification_code}`);

  // Anyone who scans it: a fresh browser, nobody signed in.
  const anyone = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await anyone.goto(url);
  await expect(anyone.getByRole('status')).toHaveText('Cette attestation est valide.');
  await expect(anyone.getByText('Julie Kremer', { exact: true })).toBeVisible();
  await checkPage(anyone, 'verify-valid');
  await must(api(`/api/v1/attestations/${attestation.id}/revoke`, { method: 'POST', token: coord,
    body: { reason: 'Délivrée par erreur' } }));
  await anyone.reload();
  await expect(anyone.getByRole('status')).toHaveText('Cette attestation a été révoquée.');
  await expect(anyone.getByText('Délivrée par erreur')).toBeVisible();
  await checkPage(anyone, 'verify-revoked');
  const asJson = await fetch(url, { headers: { Accept: 'application/json' } }).then((r) => r.json());
  expect(asJson).toMatchObject({ kind: 'attestation', valid: false, revoked: true, holder_name: 'Julie Kremer' });
  await anyone.goto('/verify');
  await checkPage(anyone, 'verify-form');
  await anyone.getByLabel('Code de vérification').fill('ABCD-EFGH-JKMN-PQRS');
  await anyone.getByRole('button', { name: 'Vérifier' }).click();
  await expect(anyone.getByRole('status')).toContainText('Aucune attestation');
  await checkPage(anyone, 'verify-unknown');

  // The attendance certificate of a session: stored, with a QR code that resolves too.
  await page.goto('/registrations');
  const certificate = await download(page, /Certificat de participation/);
  const certificateUrl = qrUrlOfPdf(certificate);
  expect(certificateUrl).toMatch(new RegExp(`^${base()}/verify/`));
  await anyone.goto(certificateUrl);
  await expect(anyone.getByRole('status')).toHaveText('Ce certificat de participation est valide.');
  // The latest past session's certificate comes first on the page.
  await expect(anyone.getByText('Accompagner une victime').first()).toBeVisible();
  await checkPage(anyone, 'verify-attendance');
  expect(await download(page, /Certificat de participation/)).toEqual(certificate);

  // Another participant gets nothing of hers.
  const other = await participant('tom.reuter@ecole.lu', 'Tom Reuter');
  const mine = await must(api('/api/v1/me/registrations', { token: me.token }));
  const otherPage = await (await browser.newContext({ baseURL: base(), locale: 'fr-FR' })).newPage();
  await logIn(otherPage, other.email, other.password);
  await expect(otherPage).toHaveURL(/\/parcours$/);
  expect((await otherPage.request.get(`/attestations/${attestation.id}/pdf`)).status()).toBe(403);
  expect((await otherPage.request.get(`/registrations/${mine.items[0].id}/certificate.pdf`)).status()).toBe(404);
  await otherPage.goto('/registrations');
  const csrf = await otherPage.locator('input[name=csrf]').first().getAttribute('value');
  const withdraw = await otherPage.request.post(`/registrations/${mine.items[0].id}/withdraw`, { form: { csrf } });
  expect(withdraw.status()).toBe(404);
  await otherPage.goto(`/attestations/${attestation.id}/pdf`).catch(() => {});
  await expect(otherPage.getByRole('heading', { level: 1 })).toContainText('403');
  await checkPage(otherPage, 'forbidden');
  expect((await must(api('/api/v1/me/registrations', { token: me.token }))).items.every((r) => r.status === 'confirmed')).toBe(true);
});
