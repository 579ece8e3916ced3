// The console as the API role serves it: one index.html for every page (hash routing), a strict
// Content-Security-Policy that the app itself keeps to, and caching that lets a new build reach
// browsers at once while its hashed assets are kept for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from '../support/broker.js';
import { type Browser, launchBrowser } from '../support/browser.js';

let broker: Broker;
let browser: Browser;

beforeAll(async () => {
  broker = await startBroker();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await broker?.stop();
});

describe('the console', () => {
  it('is served at /console/ with a fresh style nonce and no-cache, its hashed assets immutable', async () => {
    const redirect = await fetch(`${broker.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/console/');

    const first = await fetch(`${broker.url}/console/`);
    const second = await fetch(`${broker.url}/console/`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/html/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const policy = first.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeDefined();
    const html = await first.text();
    expect(html).toContain(`content="${nonce}"`);
    expect(second.headers.get('content-security-policy')).not.toBe(policy);

    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${broker.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const missing = await fetch(`${broker.url}/console/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('is not on the internal port', async () => {
    const answer = await fetch(`${broker.internalUrl}/console/`);
    expect(answer.status).toBe(404);
  });

  it('opens on the sign-in page with nothing refused by its policy, and says why a sign-in failed', async () => {
    const { page, refused, exceptions } = await browser.page();
    await page.goto(`${broker.url}/console/`);
    await page.getByRole('heading', { name: 'Sign in to s2-broker' }).waitFor();
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByRole('textbox', { name: 'Password' }).fill('not-the-password-0');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).not.toBe('');
    expect(refused).toEqual([]);
    expect(exceptions).toEqual([]);
    await page.close();
  });
});
