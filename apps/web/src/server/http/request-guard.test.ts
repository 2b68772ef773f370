import { describe, expect, it } from 'vitest';
import { readWebEnv } from '../env';
import {
  checkRequest,
  foreignHostResponse,
  guardRequest,
  isStateChanging,
  parseHost,
  type RefusedCheck,
} from './request-guard';

// The guard alone, table by table: each row changes one header of a request the app's own page would send.

const allowedHosts = readWebEnv({}, '/x').allowedHosts;
const OWN = { host: '127.0.0.1:1515', origin: 'http://127.0.0.1:1515', 'sec-fetch-site': 'same-origin' };
const JSON_TYPE = { 'content-type': 'application/json' };

function request(headers: Record<string, string | undefined>, method = 'POST', url = 'http://127.0.0.1:1515/api/x') {
  const clean = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
  // Always a body, so the runtime never adds a Content-Type of its own (it would say text/plain).
  const body = ['GET', 'HEAD'].includes(method) ? undefined : new Uint8Array([123, 125]);
  return new Request(url, { method, headers: clean, body });
}

const check = (
  headers: Record<string, string | undefined>,
  options: { hosts?: string[]; requireJson?: boolean } = {},
) =>
  checkRequest(request({ ...OWN, ...JSON_TYPE, ...headers }), {
    allowedHosts: options.hosts ?? allowedHosts,
    requireJson: options.requireJson,
  })?.check ?? 'allowed';

describe('methods', () => {
  it.each([
    ['GET', false],
    ['HEAD', false],
    ['OPTIONS', false],
    ['options', false],
    ['POST', true],
    ['PUT', true],
    ['PATCH', true],
    ['DELETE', true],
    ['PROPFIND', true],
  ])('%s changes state: %s', (method, expected) => {
    expect(isStateChanging(method)).toBe(expected);
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('lets a cross-site %s to our own host through: it changes nothing', (method) => {
    const foreign = { host: '127.0.0.1:1515', origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' };
    expect(guardRequest(request(foreign, method), { allowedHosts })).toBeNull();
  });

  it.each(['GET', 'HEAD', 'OPTIONS'])('refuses a %s addressed to a foreign host (DNS rebinding reads)', (method) => {
    const rebound = { host: 'attacker.example:1515', origin: undefined };
    expect(guardRequest(request(rebound, method), { allowedHosts })?.status).toBe(403);
    expect(foreignHostResponse(request(rebound, method), allowedHosts)?.status).toBe(403);
    expect(
      foreignHostResponse(request({ host: 'localhost:1515', origin: undefined }, method), allowedHosts),
    ).toBeNull();
  });
});

describe('Host', () => {
  it.each<[string, string, RefusedCheck | 'allowed']>([
    ['loopback IPv4 with a port', '127.0.0.1:1515', 'allowed'],
    ['loopback IPv4 without a port', '127.0.0.1', 'allowed'],
    ['localhost', 'localhost:3000', 'allowed'],
    ['localhost in capitals', 'LOCALHOST:3000', 'allowed'],
    ['IPv6 loopback', '[::1]:3000', 'allowed'],
    ['IPv6 loopback, long form', '[0:0:0:0:0:0:0:1]:3000', 'allowed'],
    ['a foreign name', 'attacker.example', 'host'],
    ['DNS rebinding: a foreign name on our port', 'attacker.example:1515', 'host'],
    ['a name that only starts like localhost', 'localhost.attacker.example:1515', 'host'],
    ['a trailing dot', 'localhost.:1515', 'host'],
    ['another IPv6 address', '[fe80::1]:1515', 'host'],
    ['another IPv4 address', '192.168.1.5:1515', 'host'],
    ['the unspecified address', '0.0.0.0:1515', 'host'],
    ['user info smuggling a host', 'localhost@attacker.example', 'host'],
    ['a path', 'localhost/x', 'host'],
    ['a port out of range', 'localhost:99999', 'host'],
    ['an empty Host', '', 'host'],
  ])('%s (%s): %s', (_what, host, expected) => {
    expect(check({ host, origin: undefined })).toBe(expected);
  });

  it('judges an in-process request without a Host header by its URL', () => {
    const own = new Request('http://localhost:3000/api/x', { method: 'POST', headers: JSON_TYPE, body: '{}' });
    const foreign = new Request('http://attacker.example/api/x', { method: 'POST', headers: JSON_TYPE, body: '{}' });
    expect(checkRequest(own, { allowedHosts })).toBeNull();
    expect(checkRequest(foreign, { allowedHosts })?.check).toBe('host');
  });
});

describe('ELMO_ALLOWED_HOSTS', () => {
  const hosts = readWebEnv({ ELMO_ALLOWED_HOSTS: 'elmo.lan, 192.168.1.5:3000, fd00::5' }, '/x').allowedHosts;
  it.each<[string, RefusedCheck | 'allowed']>([
    ['elmo.lan', 'allowed'],
    ['ELMO.lan:8080', 'allowed'],
    ['192.168.1.5:3000', 'allowed'],
    ['192.168.1.5:3001', 'host'],
    ['192.168.1.5', 'host'],
    ['[fd00::5]:3000', 'allowed'],
    ['other.lan', 'host'],
    ['localhost:3000', 'allowed'],
  ])('with elmo.lan, 192.168.1.5:3000 and fd00::5 allowed, Host %s: %s', (host, expected) => {
    expect(check({ host, origin: undefined }, { hosts })).toBe(expected);
  });

  it('an added name is only allowed with its own origin', () => {
    expect(check({ host: 'elmo.lan', origin: 'http://elmo.lan' }, { hosts })).toBe('allowed');
    expect(check({ host: 'elmo.lan', origin: 'https://elmo.lan' }, { hosts })).toBe('allowed');
    expect(check({ host: 'elmo.lan', origin: 'http://localhost' }, { hosts })).toBe('origin');
    expect(check({ host: 'elmo.lan:8080', origin: 'http://elmo.lan' }, { hosts })).toBe('origin');
  });

  it('without the variable, only loopback is allowed', () => {
    expect(check({ host: 'elmo.lan', origin: undefined })).toBe('host');
  });
});

describe('Origin', () => {
  it.each<[string, string | undefined, RefusedCheck | 'allowed']>([
    ['absent (curl, the worker)', undefined, 'allowed'],
    ['our own origin', 'http://127.0.0.1:1515', 'allowed'],
    ['our own origin with a trailing slash', 'http://127.0.0.1:1515/', 'allowed'],
    ['a foreign origin', 'https://attacker.example', 'origin'],
    ['the opaque origin null', 'null', 'origin'],
    ['another port of ours', 'http://127.0.0.1:1516', 'origin'],
    ['another loopback name', 'http://localhost:1515', 'origin'],
    ['no port where the Host has one', 'http://127.0.0.1', 'origin'],
    ['a non-web scheme', 'file://127.0.0.1:1515', 'origin'],
    ['an extension', 'chrome-extension://abcdef', 'origin'],
    ['more than an origin', 'http://127.0.0.1:1515/evil', 'origin'],
    ['user info', 'http://me@127.0.0.1:1515', 'origin'],
    ['garbage', 'not a url', 'origin'],
    ['empty', '', 'origin'],
  ])('%s (%s): %s', (_what, origin, expected) => {
    expect(check({ origin })).toBe(expected);
  });

  it('matches default ports and IPv6', () => {
    expect(check({ host: 'localhost', origin: 'http://localhost' })).toBe('allowed');
    expect(check({ host: 'localhost:80', origin: 'http://localhost' })).toBe('allowed');
    expect(check({ host: 'localhost', origin: 'http://localhost:8080' })).toBe('origin');
    expect(check({ host: '[::1]:3000', origin: 'http://[::1]:3000' })).toBe('allowed');
    expect(check({ host: '[::1]:3000', origin: 'http://127.0.0.1:3000' })).toBe('origin');
  });
});

describe('Sec-Fetch-Site', () => {
  it.each<[string | undefined, RefusedCheck | 'allowed']>([
    [undefined, 'allowed'],
    ['same-origin', 'allowed'],
    ['Same-Origin', 'allowed'],
    ['same-site', 'sec-fetch-site'],
    ['cross-site', 'sec-fetch-site'],
    ['none', 'sec-fetch-site'],
    ['', 'sec-fetch-site'],
  ])('%s: %s', (site, expected) => {
    expect(check({ 'sec-fetch-site': site })).toBe(expected);
  });

  it('refuses a cross-site request even without an Origin header', () => {
    expect(check({ origin: undefined, 'sec-fetch-site': 'cross-site' })).toBe('sec-fetch-site');
  });
});

describe('Content-Type', () => {
  it.each<[string | undefined, RefusedCheck | 'allowed']>([
    ['application/json', 'allowed'],
    ['application/json; charset=utf-8', 'allowed'],
    ['Application/JSON;charset=UTF-8', 'allowed'],
    ['  application/json  ', 'allowed'],
    ['text/plain', 'content-type'],
    ['text/plain;charset=UTF-8', 'content-type'],
    ['application/x-www-form-urlencoded', 'content-type'],
    ['multipart/form-data; boundary=x', 'content-type'],
    ['application/jsonx', 'content-type'],
    ['application/vnd.api+json', 'content-type'],
    ['text/json', 'content-type'],
    ['', 'content-type'],
    [undefined, 'content-type'],
  ])('%s: %s', (contentType, expected) => {
    expect(check({ 'content-type': contentType })).toBe(expected);
  });

  it('is not required when the route takes other bodies (/ingest), while the other checks still hold', () => {
    expect(check({ 'content-type': 'text/plain' }, { requireJson: false })).toBe('allowed');
    expect(check({ 'content-type': undefined }, { requireJson: false })).toBe('allowed');
    expect(check({ 'content-type': 'text/plain', origin: 'null' }, { requireJson: false })).toBe('origin');
    expect(check({ 'sec-fetch-site': 'cross-site' }, { requireJson: false })).toBe('sec-fetch-site');
    expect(check({ host: 'attacker.example:1515' }, { requireJson: false })).toBe('host');
  });

  it('a DELETE without a body still has to say JSON', () => {
    const bare = new Request('http://127.0.0.1:1515/api/x', { method: 'DELETE', headers: OWN });
    const json = new Request('http://127.0.0.1:1515/api/x', { method: 'DELETE', headers: { ...OWN, ...JSON_TYPE } });
    expect(checkRequest(bare, { allowedHosts })?.check).toBe('content-type');
    expect(checkRequest(json, { allowedHosts })).toBeNull();
  });
});

describe('the 403 answer', () => {
  it('is the API error shape with one sentence naming the failed check, and echoes no header', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ host: 'evil-host.example:1515' }, /Host header/],
      [{ origin: 'https://evil-origin.example' }, /another origin/],
      [{ 'sec-fetch-site': 'cross-site' }, /Sec-Fetch-Site/],
      [{ 'content-type': 'text/plain' }, /Content-Type: application\/json/],
    ];
    for (const [headers, message] of cases) {
      const response = guardRequest(request({ ...OWN, ...JSON_TYPE, ...headers }), { allowedHosts });
      expect(response?.status).toBe(403);
      expect(response?.headers.get('cache-control')).toBe('no-store');
      const body = await response?.json();
      expect(body).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(message) } });
      expect(body.error.message).toMatch(/^This request was refused because [^\n]+\.$/);
      expect(body.error.message).not.toMatch(/\.\s/); // One sentence.
      expect(body.error.message).not.toMatch(/evil/);
    }
  });

  it('is null for the app’s own request', () => {
    expect(guardRequest(request({ ...OWN, ...JSON_TYPE }), { allowedHosts })).toBeNull();
  });

  it('reports the first failed check: Host, then Origin, then Sec-Fetch-Site, then Content-Type', () => {
    const all = {
      host: 'attacker.example:1515',
      origin: 'null',
      'sec-fetch-site': 'cross-site',
      'content-type': 'text/plain',
    };
    expect(check(all)).toBe('host');
    expect(check({ ...all, host: OWN.host })).toBe('origin');
    expect(check({ ...all, host: OWN.host, origin: OWN.origin })).toBe('sec-fetch-site');
    expect(check({ ...all, host: OWN.host, origin: OWN.origin, 'sec-fetch-site': 'same-origin' })).toBe('content-type');
  });
});

describe('parseHost', () => {
  it.each([
    ['LocalHost:0300', { name: 'localhost', port: '300' }],
    ['[::1]', { name: '[::1]', port: null }],
    ['127.1:80', { name: '127.0.0.1', port: '80' }],
    ['a b', null],
    ['[::1', null],
  ])('%s', (value, expected) => {
    expect(parseHost(value)).toEqual(expected);
  });
});
