import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import { statusText } from '#http';
import { componentRef, errorBody, type JsonSchema, peerErrorBody, requestSchema } from './components.js';

export interface EndpointDoc {
  summary: string;
  /**
   * The success status and, unless it has no body (204), its registered response shape; or, for a
   * Server-Sent Events stream, what its events are.
   */
  ok: { status: HttpStatus; schema?: z.ZodType; eventStream?: string };
  /** The body schema `ZodBodyPipe` validates with. */
  body?: z.ZodType;
  /** The query schema `ZodBodyPipe` validates with: one parameter per property. */
  query?: z.ZodObject;
  /** Errors answered with `ErrorBody`. 400 (with a body or query), 413 (with a body) and the controller's 401 come by themselves. */
  errors?: HttpStatus[];
  /** Errors answered with `PeerErrorBody`. */
  peerErrors?: HttpStatus[];
}

function errorResponse(status: HttpStatus, schema: z.ZodType): MethodDecorator {
  return ApiResponse({ status, description: statusText(status), schema: componentRef(schema) });
}

function queryParameters(query: z.ZodObject): MethodDecorator[] {
  const schema = requestSchema(query);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) =>
    ApiQuery({ name, required: required.has(name), schema: property }),
  );
}

/** One operation of the OpenAPI document: summary, request, and every status it may answer. */
export function ApiEndpoint(doc: EndpointDoc): MethodDecorator {
  const errors = new Set(doc.errors ?? []);
  if (doc.body !== undefined) {
    errors.add(HttpStatus.BAD_REQUEST);
    errors.add(HttpStatus.PAYLOAD_TOO_LARGE);
  }
  if (doc.query !== undefined) errors.add(HttpStatus.BAD_REQUEST);
  return applyDecorators(
    ApiOperation({ summary: doc.summary }),
    ApiResponse({
      status: doc.ok.status,
      description: statusText(doc.ok.status),
      ...(doc.ok.schema === undefined ? {} : { schema: componentRef(doc.ok.schema) }),
      ...(doc.ok.eventStream === undefined
        ? {}
        : { content: { 'text/event-stream': { schema: { type: 'string', description: doc.ok.eventStream } } } }),
    }),
    ...(doc.body === undefined ? [] : [ApiBody({ required: true, schema: requestSchema(doc.body) })]),
    ...(doc.query === undefined ? [] : queryParameters(doc.query)),
    ...[...errors].map((status) => errorResponse(status, errorBody)),
    ...(doc.peerErrors ?? []).map((status) => errorResponse(status, peerErrorBody)),
  );
}
