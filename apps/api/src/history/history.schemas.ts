import { z } from 'zod';
import { HISTORY_LIMITS } from '#inspection';
import { component, page } from '../openapi/components.js';

const { maxMessages, maxAgeSeconds } = HISTORY_LIMITS;

export const historySettingsBody = z.discriminatedUnion('enabled', [
  z.strictObject({
    enabled: z.literal(true),
    maxMessages: z
      .number()
      .int()
      .min(maxMessages.min)
      .max(maxMessages.max)
      .meta({ description: 'the last this many messages of each RM are kept' }),
    maxAgeSeconds: z
      .number()
      .int()
      .min(maxAgeSeconds.min)
      .max(maxAgeSeconds.max)
      .meta({ description: 'no kept message is older than this' }),
  }),
  z.strictObject({ enabled: z.literal(false) }),
]);

export type HistorySettingsBody = z.output<typeof historySettingsBody>;

export const historySettingsSchema = component(
  'HistorySettings',
  z.object({
    enabled: z.boolean(),
    maxMessages: z.number().int().nullable(),
    maxAgeSeconds: z.number().int().nullable(),
  }),
  "The tenant's message history policy: off by default (the messages are the homes' data)",
);

export type HistorySettingsView = z.output<typeof historySettingsSchema>;

export const MAX_MESSAGES_PAGE = 500;

/** An S2 message type: letters only, as the specification names them. */
const messageType = z
  .string()
  .regex(/^[A-Za-z]{1,64}$/, { error: 'must be an S2 message type such as PowerMeasurement' });

export const messagesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_MESSAGES_PAGE).default(100),
  before: z
    .string()
    .regex(/^\d{1,16}$/, { error: 'must be the nextCursor of a previous page' })
    .transform(Number)
    .optional()
    .meta({ description: 'only messages older than this: the nextCursor of the previous page (ms since the epoch)' }),
  type: messageType.optional().meta({ description: 'only messages of this message_type' }),
});

export type MessagesQuery = z.output<typeof messagesQuery>;

export const inspectedMessageSchema = component(
  'InspectedMessage',
  z.object({
    at: z.number().int().meta({ description: 'when the broker reached its verdict, ms since the epoch' }),
    direction: z.enum(['rm_to_cem', 'cem_to_rm']),
    rmNodeId: z.string(),
    sessionId: z.string().meta({ description: "the RM's session; empty when the RM had none" }),
    verdict: z.enum(['delivered', 'rejected', 'temporary_error']),
    message: z.unknown().meta({ description: 'the S2 message as its sender wrote it (a string when not JSON)' }),
    reply: z.unknown().optional().meta({ description: 'the ReceptionStatus the broker answered the sender with' }),
  }),
  'What the broker saw of one S2 message of an RM, with its verdict',
);

export const messagePageSchema = component('InspectedMessagePage', page(inspectedMessageSchema));
