import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { toErrorBody } from './error-body.js';

describe('toErrorBody', () => {
  it('keeps what an HttpException says', () => {
    expect(toErrorBody(new NotFoundException('Cannot GET /x'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /x',
    });
    expect(toErrorBody(new BadRequestException(['name must be a string']))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['name must be a string'],
    });
    expect(toErrorBody(new ServiceUnavailableException())).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
    });
  });

  it('fills in the status text for a plain HttpException', () => {
    expect(toErrorBody(new HttpException('slow down', 429))).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'slow down',
    });
  });

  it('hides everything about other errors', () => {
    const body = toErrorBody(new Error('connection to 10.0.0.5 refused'));
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
  });
});
