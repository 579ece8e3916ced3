import { describe, expect, it } from 'vitest';
import { checkPairingUrl } from './pairing-url.js';

describe('checkPairingUrl', () => {
  it('accepts an https URL and adds the trailing slash', () => {
    expect(checkPairingUrl('https://pairing.rm.example.com/pairing', false)).toEqual({
      ok: true,
      url: 'https://pairing.rm.example.com/pairing/',
    });
  });

  it('accepts http only when the configuration allows it', () => {
    expect(checkPairingUrl('http://localhost:8080/pairing/', false)).toEqual({
      ok: false,
      problem: 'must be an https:// URL',
    });
    expect(checkPairingUrl('http://localhost:8080/pairing/', true)).toEqual({
      ok: true,
      url: 'http://localhost:8080/pairing/',
    });
  });

  it.each([
    ['not a url', 'must be a URL'],
    ['ftp://rm.example.com/pairing/', 'must be an https:// URL'],
    ['https://user:pw@rm.example.com/pairing/', 'must not hold credentials'],
    ['https://rm.example.com/pairing/?x=1', 'must not have a query or fragment'],
    ['https://rm.example.com/pairing/#x', 'must not have a query or fragment'],
    ['https://169.254.169.254/pairing/', 'must name the endpoint by its DNS name, not an IP address'],
    ['https://[::1]/pairing/', 'must name the endpoint by its DNS name, not an IP address'],
  ])('refuses %s', (text, problem) => {
    expect(checkPairingUrl(text, false)).toEqual({ ok: false, problem });
  });
});
