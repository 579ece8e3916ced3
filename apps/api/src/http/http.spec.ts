import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UuidParamPipe } from './uuid-param.pipe.js';
import { ZodBodyPipe } from './zod-body.pipe.js';

const schema = z.strictObject({
  name: z.string().min(1).max(5),
  kind: z.enum(['dynamic', 'static']).optional(),
  ttl: z.int().min(30).optional(),
  nested: z.strictObject({ list: z.array(z.string()) }).optional(),
  url: z.url({ error: 'must be a URL' }).optional(),
});

function messageOf(value: unknown): string {
  try {
    new ZodBodyPipe(schema).transform(value);
  } catch (error) {
    if (error instanceof BadRequestException) return String(error.message);
    throw error;
  }
  throw new Error('expected a BadRequestException');
}

describe('ZodBodyPipe', () => {
  it('returns the parsed body', () => {
    expect(new ZodBodyPipe(schema).transform({ name: 'a', ttl: 30 })).toEqual({ name: 'a', ttl: 30 });
  });

  it.each([
    [{}, 'name: is required'],
    [undefined, 'name: is required'],
    [{ name: 5 }, 'name: must be a string'],
    [{ name: '' }, 'name: must not be empty'],
    [{ name: 'abcdef' }, 'name: must be at most 5 characters'],
    [{ name: 'a', kind: 'x' }, 'kind: must be one of "dynamic", "static"'],
    [{ name: 'a', ttl: 29 }, 'ttl: must be at least 30'],
    [{ name: 'a', ttl: 30.5 }, 'ttl: must be an integer'],
    [{ name: 'a', ttl: '30' }, 'ttl: must be a number'],
    [{ name: 'a', extra: 1, more: 2 }, 'extra: is not allowed; more: is not allowed'],
    [{ name: 'a', nested: { list: ['x', 3] } }, 'nested.list[1]: must be a string'],
    [{ name: 'a', url: 'nope' }, 'url: must be a URL'],
    [[], 'body: must be an object'],
    ['text', 'body: must be an object'],
  ])('refuses %j with "%s"', (value, message) => {
    expect(messageOf(value)).toBe(message);
  });
});

describe('UuidParamPipe', () => {
  const pipe = new UuidParamPipe(() => new Error('not found'));

  it('passes a UUID through, lower case', () => {
    expect(pipe.transform('0B6F7C5E-1D2A-4F3B-9C8D-7E6F5A4B3C2D')).toBe('0b6f7c5e-1d2a-4f3b-9c8d-7e6f5a4b3c2d');
  });

  it.each(['abc', '0b6f7c5e1d2a4f3b9c8d7e6f5a4b3c2d', '{0b6f7c5e-1d2a-4f3b-9c8d-7e6f5a4b3c2d}', ''])(
    'answers %j as not found',
    (value) => {
      expect(() => pipe.transform(value)).toThrow('not found');
    },
  );
});
