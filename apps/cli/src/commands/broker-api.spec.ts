import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { brokerUrl, fieldAt, printEnv, tenantCredentials, UsageError } from './broker-api.js';

describe('where the broker is and who calls it', () => {
  it('takes the flag over the environment, and refuses what is not an http(s) URL', () => {
    expect(brokerUrl(undefined, { S2_BROKER_URL: 'http://localhost:8080/' })).toBe('http://localhost:8080');
    expect(brokerUrl('https://s2.example', { S2_BROKER_URL: 'http://localhost:8080' })).toBe('https://s2.example');
    expect(() => brokerUrl(undefined, {})).toThrow(UsageError);
    expect(() => brokerUrl('s2.example', {})).toThrow('--url/S2_BROKER_URL is not a URL: s2.example');
    expect(() => brokerUrl('ws://s2.example', {})).toThrow('must be an http:// or https:// URL');
  });

  it('prefers a complete service account to a JWT and names a half-given one', () => {
    const env = { S2_BROKER_CLIENT_ID: 'sa_1', S2_BROKER_CLIENT_SECRET: 's', S2_BROKER_JWT: 'j' };
    expect(tenantCredentials({}, env)).toEqual({ kind: 'service-account', clientId: 'sa_1', clientSecret: 's' });
    expect(tenantCredentials({ jwt: 'flag' }, { S2_BROKER_JWT: 'j' })).toEqual({ kind: 'jwt', jwt: 'flag' });
    expect(() => tenantCredentials({ 'client-id': 'sa_1' }, {})).toThrow('a client id without its secret');
    expect(() => tenantCredentials({}, { S2_BROKER_CLIENT_SECRET: 's' })).toThrow(
      'a client secret without a client id',
    );
  });
});

describe('printEnv', () => {
  it('prints assignments a shell reads back exactly, whatever the characters', () => {
    const lines: string[] = [];
    const value = `it's $HOME \`x\` "y" \\n`;
    printEnv({ S2_BROKER_CLIENT_SECRET: value }, (line) => lines.push(line));
    const echoed = execFileSync('sh', ['-c', `${lines.join('\n')}\nprintf %s "$S2_BROKER_CLIENT_SECRET"`], {
      encoding: 'utf8',
    });
    expect(echoed).toBe(value);
  });

  it('reads dotted fields', () => {
    expect(fieldAt({ serviceAccount: { clientId: 'sa_1' } }, 'serviceAccount.clientId')).toBe('sa_1');
    expect(fieldAt({ serviceAccount: null }, 'serviceAccount.clientId')).toBeUndefined();
  });
});
