import { describe, expect, it } from 'vitest';
import { webhookUrlProblem } from './endpoint-url.js';

describe('webhookUrlProblem', () => {
  it.each([
    'https://hooks.example.com/s2',
    'https://hooks.example.com:8443/s2?tenant=a',
    'http://127.0.0.1:9000/hooks',
    'http://localhost/hooks',
    'http://[::1]:8080/',
  ])('accepts %s', (url) => {
    expect(webhookUrlProblem(url, false)).toBeUndefined();
  });

  it.each([
    ['http://hooks.example.com/', 'must be an https:// URL (http:// only to a loopback address)'],
    ['http://127.example.com/', 'must be an https:// URL (http:// only to a loopback address)'],
    ['ftp://hooks.example.com/', 'must be an https:// URL'],
    ['hooks.example.com/s2', 'must be an absolute URL'],
    ['https://user:pw@hooks.example.com/', 'must not contain credentials'],
    ['https://hooks.example.com/#x', 'must not contain a fragment'],
  ])('refuses %s', (url, problem) => {
    expect(webhookUrlProblem(url, false)).toBe(problem);
  });

  it('accepts any http:// host when the deployment allows it', () => {
    expect(webhookUrlProblem('http://receiver.internal/hooks', true)).toBeUndefined();
  });
});
