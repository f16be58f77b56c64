// What the journeys share: the environment global-setup started, API calls as the coordinator
// or a person, the mails the server sent, and the checks every page gets (axe-core with zero
// violations, no horizontal scrolling on a 360-px phone, screenshots at 360×740 and 1280×800).
import { expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const env = () => JSON.parse(process.env.PARCOURS_WEB_ENV);
export const base = () => env().base_url;

export async function api(path, { method = 'GET', token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(base() + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}

export async function login(email, password) {
  const r = await api('/api/v1/auth/login', { method: 'POST', body: { email, password } });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.text}`);
  return r.json.token;
}

export const coordinator = () => login(env().coordinator_email, env().coordinator_password);

export async function must(promise, status = [200, 201, 204]) {
  const r = await promise;
  if (!(Array.isArray(status) ? status : [status]).includes(r.status)) throw new Error(`HTTP ${r.status}: ${r.text}`);
  return r.json;
}

export async function participant(email, name, password = 'a-long-password') {
  const created = await must(api('/api/v1/accounts', { method: 'POST', body: { email, password, name } }), 201);
  return { id: created.id, email, password, token: await login(email, password) };
}

export async function setClock(now) {
  await must(api('/api/v1/test-clock', { method: 'POST', body: { now } }));
}

export async function ltas() {
  const pathways = await must(api('/api/v1/pathways'));
  return pathways.items.find((p) => p.code === 'LTAS');
}

// The mails the SMTP sink received for `to`, waiting up to 10 s for one that matches.
export async function mailTo(to, match = () => true) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = await (await fetch(env().mail_url)).json();
    const found = mails.filter((m) => m.to.some((t) => t.toLowerCase().includes(to.toLowerCase())) && match(m));
    if (found.length) return found[found.length - 1];
    if (Date.now() > deadline) throw new Error(`no mail to ${to}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The first link of a mail's text that starts with the site's address, as a local path.
export function linkIn(mail, path) {
  const m = mail.text.match(new RegExp(`${base().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(${path}[^\\s]*)`));
  if (!m) throw new Error(`no ${path} link in: ${mail.text}`);
  return m[1];
}

const shotsDir = process.env.PARCOURS_SCREENSHOTS || 'screenshots';

// axe-core (WCAG 2.1 A and AA) with zero violations; no horizontal scrolling at 360 px;
// screenshots of the phone and desktop views.
export async function checkPage(page, name) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe-core on ${name}`).toEqual([]);
  mkdirSync(shotsDir, { recursive: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `horizontal scrolling on ${name} at 360 px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(shotsDir, `${name}-360x740.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(shotsDir, `${name}-1280x800.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}

// The URL in a PDF's QR code: the first page rendered by pdftoppm, decoded by zbarimg.
export function qrUrlOfPdf(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'parcours-qr-'));
  try {
    writeFileSync(join(dir, 'doc.pdf'), bytes);
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', join(dir, 'doc.pdf'), join(dir, 'page')]);
    const out = execFileSync('zbarimg', ['--quiet', '--raw', join(dir, 'page-1.png')]).toString().trim();
    return out.split('\n')[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function signUp(page, { name, email, password, organisation = '' }) {
  await page.goto('/signup');
  await page.locator('#name').fill(name);
  if (organisation) await page.locator('#organisation').fill(organisation);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('main button[type=submit]').click();
}

export async function logIn(page, email, password) {
  await page.goto('/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('main button[type=submit]').click();
}

// A trainer account made by the coordinator (password 'a-long-password').
export async function trainer(coordToken, email, name, organisation = 'Planning Familial') {
  const u = await must(api('/api/v1/users', { method: 'POST', token: coordToken, body: {
    email, name, organisation, password: 'a-long-password', roles: ['trainer'] } }), 201);
  return { id: u.id, email, password: 'a-long-password' };
}

// A module and one session of it (times in Luxembourg winter time), through the API.
export async function moduleSession(coordToken, { code, title, day, capacity = 10, min = 1, trainers = [], decision } = {}) {
  const m = await must(api('/api/v1/modules', { method: 'POST', token: coordToken, body: { code, title, hours: 4 } }), 201);
  const body = { module_id: m.id, starts_at: `${day}T09:00:00+01:00`, ends_at: `${day}T13:00:00+01:00`, capacity,
                 min_registrants: min, location: 'Cesas, Luxembourg', trainer_ids: trainers };
  if (decision) body.decision_at = decision;
  return must(api('/api/v1/sessions', { method: 'POST', token: coordToken, body }), 201);
}

export const register = (session, person) =>
  must(api(`/api/v1/sessions/${session.id}/registrations`, { method: 'POST', token: person.token }), 201);

// A pathway whose modules (4 h each) have one session each from 3 December 2026, `person`
// registered in all; then the clock moves to 10 December and the coordinator marks them present
// everywhere: the pathway is complete. Tokens of 12 hours expire with the jump: `person.token`
// is renewed and the coordinator's new token returned.
export async function completedPathway(person, { code, title, modules }) {
  let coord = await coordinator();
  const pathway = await must(api('/api/v1/pathways', { method: 'POST', token: coord, body: {
    code, title, modules: modules.map(([c, t]) => ({ code: c, title: t, hours: 4 })) } }), 201);
  const sessions = [];
  for (const [i, m] of pathway.modules.entries()) {
    const s = await must(api('/api/v1/sessions', { method: 'POST', token: coord, body: {
      module_id: m.id, starts_at: `2026-12-0${3 + i}T09:00:00+01:00`, ends_at: `2026-12-0${3 + i}T13:00:00+01:00`,
      capacity: 12, min_registrants: 1, location: 'Cesas, Luxembourg' } }), 201);
    await must(api(`/api/v1/sessions/${s.id}/registrations`, { method: 'POST', token: person.token }), 201);
    sessions.push(s);
  }
  await setClock('2026-12-10T09:00:00+01:00');
  coord = await coordinator();
  person.token = await login(person.email, person.password);
  for (const s of sessions)
    await must(api(`/api/v1/sessions/${s.id}/attendance`, { method: 'PUT', token: coord,
      body: { records: [{ participant_id: person.id, status: 'present' }] } }));
  return { pathway, sessions, coord };
}

// The text of the QR code in a PNG (a screenshot of the check-in page's SVG), read by zbarimg.
export function qrTextOfPng(png) {
  const dir = mkdtempSync(join(tmpdir(), 'parcours-qr-'));
  try {
    writeFileSync(join(dir, 'qr.png'), png);
    return execFileSync('zbarimg', ['--quiet', '--raw', join(dir, 'qr.png')]).toString().trim().split('\n')[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A participant account made by the coordinator (no sign-up pacing: for journeys that need many).
export async function staffMadeParticipant(coordToken, email, name, password = 'a-long-password') {
  const u = await must(api('/api/v1/users', { method: 'POST', token: coordToken, body: {
    email, name, password, roles: ['participant'] } }), 201);
  return { id: u.id, email, password, token: await login(email, password) };
}
