// The employer's view (issue 12): a member of staff shares her pathway with her school from her
// profile, the school's contact person (named by the coordinator) sees her progress and never a
// colleague who did not agree; the switch also works without JavaScript, and withdrawing hides
// her again at once.
import { test, expect } from '@playwright/test';
import { api, base, checkPage, coordinator, logIn, must, staffMadeParticipant } from './lib.mjs';

test.use({ baseURL: base() });

async function importCsv(token, csv) {
  const r = await fetch(base() + '/api/v1/history/imports', {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' }, body: csv });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${await r.text()}`);
}

test('a contact sees the staff who share with the structure, and nobody else', async ({ page, browser }) => {
  const coord = await coordinator();
  await must(api('/api/v1/pathways', { method: 'POST', token: coord, body: { code: 'EVAS', title: 'Vie affective à l\'école',
    modules: [{ code: 'EVAS-1', title: 'Parler de l\'intime', hours: 4 }, { code: 'EVAS-2', title: 'Répondre', hours: 4 }] } }), 201);
  const school = await must(api('/api/v1/structures', { method: 'POST', token: coord,
    body: { name: 'Lycée Aline Mayrisch', sector: 'formal_education' } }), 201);
  const boss = await staffMadeParticipant(coord, 'direction@lam.lu', 'Nora Direction');
  const anne = await staffMadeParticipant(coord, 'anne.klein@lam.lu', 'Anne Klein');
  const marc = await staffMadeParticipant(coord, 'marc.weber@lam.lu', 'Marc Weber');
  for (const p of [anne, marc])
    await must(api(`/api/v1/people/${p.id}/memberships`, { method: 'POST', token: coord,
      body: { structure_id: school.id, profession: 'enseignante', starts_on: '2021-09-15' } }), 201);
  await importCsv(coord, 'email,name,module,date,status\n' +
    'anne.klein@lam.lu,Anne Klein,EVAS-1,2025-03-04,present\nmarc.weber@lam.lu,Marc Weber,EVAS-1,2025-03-04,present\n');
  await must(api(`/api/v1/structures/${school.id}/contacts`, { method: 'POST', token: coord, body: { person_id: boss.id } }), 201);

  // Anne shares from her profile.
  await logIn(page, anne.email, anne.password);
  await page.goto('/profile');
  const card = page.locator('#sharing-title ~ ul li.card', { hasText: 'Lycée Aline Mayrisch' });
  await expect(card).toContainText('Non partagé');
  await card.getByRole('button', { name: /Partager avec cette structure/ }).click();
  await expect(page.getByRole('status')).toHaveText('Votre structure voit désormais votre parcours.');
  await expect(card).toContainText('Partagé depuis le');
  await checkPage(page, 'profile-sharing');
  await page.goto('/profile?lang=en');
  await expect(page.getByRole('heading', { name: 'Sharing with my employer' })).toBeVisible();
  await page.goto('/profile?lang=de');
  await expect(page.getByRole('heading', { name: 'Freigabe für meinen Arbeitgeber' })).toBeVisible();
  await page.goto('/profile?lang=fr');

  // The contact: the link on her profile, the page with Anne's progress, not Marc.
  const bossContext = await browser.newContext({ baseURL: base() });
  const bossPage = await bossContext.newPage();
  await logIn(bossPage, boss.email, boss.password);
  await bossPage.goto('/profile');
  await bossPage.getByRole('link', { name: /Voir le personnel des structures/ }).click();
  await expect(bossPage).toHaveURL(/\/employer$/);
  await expect(bossPage.getByRole('heading', { level: 1 })).toHaveText('Mon personnel en formation');
  const anneCard = bossPage.locator('li.card', { hasText: 'Anne Klein' });
  await expect(anneCard).toContainText('Vie affective à l\'école : 4 h / 8 h');
  await expect(bossPage.locator('main')).not.toContainText('Marc Weber');
  await checkPage(bossPage, 'employer');

  // Marc is no contact: 403 page. Without JavaScript he shares, then withdraws.
  const marcContext = await browser.newContext({ baseURL: base(), javaScriptEnabled: false });
  const marcPage = await marcContext.newPage();
  await logIn(marcPage, marc.email, marc.password);
  expect((await marcPage.goto('/employer')).status()).toBe(403);
  await marcPage.goto('/profile');
  await marcPage.getByRole('button', { name: /Partager avec cette structure/ }).click();
  await expect(marcPage).toHaveURL(/\/profile\?done=shared/);
  await bossPage.reload();
  await expect(bossPage.locator('li.card', { hasText: 'Marc Weber' })).toBeVisible();
  await marcPage.getByRole('button', { name: /Ne plus partager/ }).click();
  await expect(marcPage).toHaveURL(/\/profile\?done=unshared/);
  await expect(marcPage.getByRole('status')).toHaveText('Votre structure ne voit plus votre parcours.');

  // Anne withdraws too: the contact's page no longer shows her.
  await page.getByRole('button', { name: /Ne plus partager/ }).click();
  await expect(page.getByRole('status')).toHaveText('Votre structure ne voit plus votre parcours.');
  await bossPage.reload();
  await expect(bossPage.locator('main')).not.toContainText('Anne Klein');
  await expect(bossPage.locator('main')).not.toContainText('Marc Weber');
  await expect(bossPage.locator('main')).toContainText('Aucun membre du personnel ne partage son parcours');

  // A form posted without its CSRF token changes nothing.
  const forged = await page.request.post('/profile/sharing', { form: { structure_id: school.id, share: '1' } });
  expect(forged.status()).toBe(403);
  const after = await must(api('/api/v1/me/sharing', { token: anne.token }));
  expect(after.items[0].shared).toBe(false);
  await bossContext.close();
  await marcContext.close();
});
