/**
 * The web console in a real headless Chromium against the real local server: the walkthrough a new
 * user does (sign in, create a key, rotate it, see both versions and the rotation on the timeline,
 * disable it, see the audit trail verified), a wrong API key refused, a Reader refused what its role
 * does not allow, and the rules the console keeps: no request to another origin, no CSP violation,
 * every control labelled, static files not audited while every API request is.
 * Screenshots go to a temporary folder, or to KEYLEDGER_SCREENSHOT_DIR (npm run screenshots: docs/images).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { Admin, call } from '../support/access-helpers.ts';
import { launchChromium } from '../support/browser.ts';
import { startServer, tokenFor, type ServerProcess } from '../support/local-server.ts';

const SHOTS = process.env.KEYLEDGER_SCREENSHOT_DIR
  ? resolve(process.env.KEYLEDGER_SCREENSHOT_DIR)
  : mkdtempSync(join(tmpdir(), 'keyledger-shots-'));

/** Every form control on the page has an accessible name (a label, or aria-label). */
async function assertLabelled(page: Page, where: string): Promise<void> {
  // Runs in the page (a string: the test's own TypeScript has no DOM types).
  const unlabelled = await page.evaluate<string[]>(`
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((c) => c.type !== 'hidden')
      .filter((c) => !(c.labels && c.labels.length > 0) && !c.getAttribute('aria-label') && !c.textContent.trim())
      .map((c) => c.outerHTML.slice(0, 80))
  `);
  assert.deepEqual(unlabelled, [], `${where}: controls without a label`);
}

async function auditCount(server: ServerProcess, token: string): Promise<number> {
  const res = await call(server, token, 'GET', `/admin/v1/instances/${server.defaultInstanceId}/audit/verify`);
  return (res.body as { records: number }).records;
}

void describe('web console in Chromium', { timeout: 240_000 }, () => {
  let server: ServerProcess;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const foreign: string[] = [];
  const violations: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer({ KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0', KEYLEDGER_MIN_ACTION_INTERVAL_S: '0' });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
    if (!process.env.KEYLEDGER_SCREENSHOT_DIR) rmSync(SHOTS, { recursive: true, force: true });
  });

  void it('serves the console with a strict Content-Security-Policy, unaudited', async () => {
    const admin = await tokenFor(server.url, server.adminApiKey);
    const before = await auditCount(server, admin);
    const response = await page.goto(`${server.url}/console`);
    assert.equal(response?.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/console/');
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // index.html, console.js, console.css, favicon.svg and config.json are static: no audit record.
    assert.equal(await auditCount(server, admin), before + 1, 'only the verify request itself was audited');
  });

  void it('refuses a wrong API key', async () => {
    await assertLabelled(page, 'sign-in');
    await page.getByLabel('API key').focus();
    await page.keyboard.type('not-an-api-key');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /The API key was refused: .*BXNIM0415E/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Sign in');
    await page.screenshot({ path: join(SHOTS, 'console-sign-in.png') });
  });

  void it('walks through: sign in, create, rotate, see two versions and the timeline, disable, audit verified', async () => {
    await page.getByLabel('API key').fill(server.adminApiKey);
    assert.equal(
      await page.getByLabel('Instance ID').inputValue(),
      server.defaultInstanceId,
      'the default instance is offered',
    );
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();

    await page.getByText('Create a key').click();
    await page.getByLabel('Name').fill('walkthrough-root');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: /walkthrough-root/, level: 1 }).waitFor();
    await assertLabelled(page, 'key page');
    const keyId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    assert.match(keyId, /^[0-9a-f-]{36}$/);

    await page.getByRole('button', { name: 'Rotate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Rotate walkthrough-root?' }).waitFor();
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('status').filter({ hasText: 'Key rotated.' }).waitFor({ state: 'attached' });
    const versions = page.locator('section[aria-labelledby=versions] tbody tr');
    await versions.nth(1).waitFor();
    assert.equal(await versions.count(), 2, 'two versions');
    const newest = (await versions.nth(0).locator('code').innerText()).trim();
    const timeline = page.locator('.timeline li');
    await timeline.first().waitFor();
    const events = await timeline.locator('.what').allInnerTexts();
    assert.deepEqual(events, [`Rotated: new version ${newest}`, 'Created as “walkthrough-root” in key ring default']);

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Suspended' }).waitFor();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    await timeline.filter({ hasText: 'Disabled' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-key.png'), fullPage: true });

    await nav('Keys').click();
    const row = page.locator('tbody tr').filter({ hasText: 'walkthrough-root' });
    await row.waitFor();
    assert.match(await row.innerText(), /Suspended/);
    await assertLabelled(page, 'key list');
    await page.screenshot({ path: join(SHOTS, 'console-keys.png') });

    await nav('Audit trail').click();
    const badge = page.locator('.badge');
    await badge.waitFor();
    assert.match(await badge.innerText(), /^✓ Verified — \d+ records/);
    await page.locator('tbody tr').filter({ hasText: 'rotateKey' }).first().waitFor();
    await assertLabelled(page, 'audit trail');
    await page.screenshot({ path: join(SHOTS, 'console-audit.png') });

    const admin = await tokenFor(server.url, server.adminApiKey);
    const audit = await call(server, admin, 'GET', `/admin/v1/instances/${server.defaultInstanceId}/audit`, {});
    const operations = (audit.body as { records: { operation: string; keyId: string }[] }).records
      .filter((r) => r.keyId === keyId)
      .map((r) => r.operation);
    for (const operation of ['createKey', 'rotateKey', 'disableKey', 'getKeyMetadata', 'admin.getKeyHistory'])
      assert.ok(operations.includes(operation), `the console's ${operation} is audited`);
  });

  void it('charts request rates and latency from /metrics', async () => {
    await nav('Metrics').click();
    await page.getByRole('heading', { name: 'Metrics', level: 1 }).waitFor();
    const token = await tokenFor(server.url, server.adminApiKey);
    const traffic = setInterval(
      () => void call(server, token, 'GET', '/api/v2/keys', { instanceId: server.defaultInstanceId }),
      200,
    );
    try {
      await page.locator('figure.chart svg[role=img]').nth(1).waitFor();
      const label = await page.locator('figure.chart svg').first().getAttribute('aria-label');
      assert.match(label ?? '', /^Requests per second: all \d/);
      await page.locator('tbody tr').filter({ hasText: 'getKeys' }).waitFor();
      await page.waitForTimeout(4000);
      await page.screenshot({ path: join(SHOTS, 'console-metrics.png') });
    } finally {
      clearInterval(traffic);
    }
  });

  void it('can do only what its token may: a Reader sees the keys, not their policies, is refused enabling one, sees no timeline', async () => {
    const admin = await Admin.connect(server);
    const reader = await admin.createPrincipal('console-reader');
    await admin.grant(server.defaultInstanceId, { principalId: reader.id, role: 'Reader' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('API key').fill(reader.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'walkthrough-root' }).click();
    // Reading a key's policies needs Manager: the Policies section shows the refusal.
    const policies = page.locator('section[aria-labelledby=policies]').getByRole('alert');
    await policies.waitFor();
    assert.match(await policies.innerText(), /UNAUTHORIZED_ERR, HTTP 401/);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Enable' }).click();
    const alert = page.locator('.form-message').getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /UNAUTHORIZED_ERR, HTTP 401/);
    assert.match(await page.locator('section[aria-labelledby=timeline]').innerText(), /service administrator/);
  });

  void it('renders the API reference at /docs from GET /openapi.json', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    const response = await page.goto(`${server.url}/docs`);
    assert.equal(response?.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/console/reference.html');
    assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'none'/);
    await page.getByRole('heading', { name: 'keyledger API reference', level: 1 }).waitFor();
    assert.equal(await page.locator('section.operation').count(), operations);
    const wrap = page.getByRole('region', { name: 'POST /api/v2/keys/{id}/actions/wrap' });
    assert.match(await wrap.innerText(), /plaintext[\s\S]*aad[\s\S]*ciphertext/);
    assert.match(await wrap.innerText(), /bluemix-instance/);
    await page
      .getByRole('navigation', { name: 'Operations' })
      .getByRole('link', { name: 'GET /api/v2/keys', exact: true })
      .click();
    assert.equal(new URL(page.url()).hash, '#op-getKeys');
    await assertLabelled(page, 'API reference');
    await page.screenshot({ path: join(SHOTS, 'api-reference.png') });
  });

  void it('made no request to another origin and broke no CSP rule', () => {
    assert.deepEqual(foreign, []);
    assert.deepEqual(violations, []);
  });
});
