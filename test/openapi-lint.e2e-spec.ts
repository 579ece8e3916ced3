// The OpenAPI document the running broker serves, checked by the tools its readers use: it must
// validate with swagger-parser (the structure and every $ref resolved) and lint clean, no error and
// no warning, under Redocly's `recommended` rules, so that code generators and docs sites take it as is.
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from './support/broker.js';

const PUBLIC_URL = 'https://broker.example.net';

interface Operation {
  security?: Record<string, string[]>[];
}

interface OpenApiDocument {
  servers?: { url: string }[];
  info: { license?: { name: string; url?: string } };
  paths: Record<string, Record<string, Operation>>;
}

let broker: Broker;
let source: string;

beforeAll(async () => {
  broker = await startBroker({ env: { PUBLIC_URL } });
  const answer = await fetch(`${broker.url}/api/openapi.json`);
  expect(answer.status).toBe(200);
  source = await answer.text();
});

afterAll(async () => {
  await broker?.stop();
});

describe('the OpenAPI document', () => {
  it('validates with swagger-parser, every $ref resolved', async () => {
    const api = await SwaggerParser.validate(JSON.parse(source) as Parameters<typeof SwaggerParser.validate>[0]);
    expect(api.info.title).toEqual(expect.any(String));
  });

  it('lints with no error and no warning under Redocly’s recommended rules', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
    const found = problems
      .filter((problem) => problem.ignored !== true)
      .map(
        (problem) =>
          `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`,
      );
    expect(found).toEqual([]);
  });

  it('names the broker’s PUBLIC_URL as its server, and a license', () => {
    const document = JSON.parse(source) as OpenApiDocument;
    expect(document.servers).toEqual([{ url: PUBLIC_URL }]);
    expect(document.info.license?.name).toEqual(expect.any(String));
  });

  it('says the token route needs no credentials', () => {
    const document = JSON.parse(source) as OpenApiDocument;
    expect(document.paths['/api/v1/auth/token']?.post?.security).toEqual([]);
  });
});
