import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY, appResponseHeaders, externalUrl, isAppUrl, mimeType, rendererFilePath } from './url-policy.js';

const ROOT = '/opt/app/dist/renderer';

test('app pages: only app://claudecluster/', () => {
  assert.equal(isAppUrl(APP_ENTRY_URL), true);
  assert.equal(isAppUrl('app://claudecluster/assets/x.js?v=1#a'), true);
  for (const url of ['app://other/index.html', 'file:///opt/app/dist/renderer/index.html', 'https://claudecluster/index.html',
    'http://127.0.0.1:5173/', 'app://user:pw@claudecluster/', 'javascript:alert(1)', '', 'not a url']) {
    assert.equal(isAppUrl(url), false, url);
  }
});

test('only https links without credentials go to the system browser', () => {
  assert.equal(externalUrl('https://example.com/docs?q=1'), 'https://example.com/docs?q=1');
  for (const bad of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://claudecluster/', 'smb://host/share',
    'https://user:pw@example.com/', 'mailto:a@b.c', 'ms-msdt:/id', '//example.com', 'https:', '']) {
    assert.equal(externalUrl(bad), undefined, bad);
  }
});

test('renderer files resolve under the root and never outside it', () => {
  assert.equal(rendererFilePath(ROOT, 'app://claudecluster/'), join(ROOT, 'index.html'));
  assert.equal(rendererFilePath(ROOT, 'app://claudecluster/index.html?x=1#y'), join(ROOT, 'index.html'));
  assert.equal(rendererFilePath(ROOT, 'app://claudecluster/assets/main-abc.js'), join(ROOT, 'assets', 'main-abc.js'));
  assert.equal(rendererFilePath(ROOT, 'app://claudecluster/a%20b.css'), join(ROOT, 'a b.css'));
  // The URL parser removes plain and %2e dot segments before we see them: they stay inside.
  assert.equal(rendererFilePath(ROOT, 'app://claudecluster/../../etc/passwd'), join(ROOT, 'etc', 'passwd'));
  assert.equal(rendererFilePath(ROOT, 'app://claudecluster/%2e%2e/secret'), join(ROOT, 'secret'));
  for (const bad of ['app://claudecluster/..%2f..%2fetc%2fpasswd', 'app://claudecluster/%2e%2e%2fsecret', 'app://claudecluster/a%5c..%5c..%5cx',
    'app://claudecluster/%00', 'app://claudecluster/%E0%A4%A', 'app://other/index.html', 'file:///etc/passwd', 'https://claudecluster/index.html']) {
    assert.equal(rendererFilePath(ROOT, bad), undefined, bad);
  }
});

test('responses carry the CSP, the MIME type and nosniff', () => {
  const h = appResponseHeaders('/x/index.html');
  assert.equal(h['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
  assert.equal(h['Content-Type'], 'text/html; charset=utf-8');
  assert.equal(h['X-Content-Type-Options'], 'nosniff');
  assert.equal(mimeType('a/b.JS'), 'text/javascript; charset=utf-8');
  assert.equal(mimeType('font.woff2'), 'font/woff2');
  assert.equal(mimeType('unknown.bin'), 'application/octet-stream');
});

test('the CSP allows no eval, no inline script and nothing from elsewhere', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(directives.get('base-uri'), ["'none'"]);
  const all = [...directives.values()].flat();
  for (const v of ['*', "'unsafe-eval'", 'http:', 'https:', "'unsafe-hashes'", 'blob:']) assert.ok(!all.includes(v), v);
  assert.ok(!directives.get('script-src')!.includes("'unsafe-inline'"));
});
