import { describe, expect, it } from 'vitest';
import type { BrokerFrame } from '#cem-client';
import { repliesTo } from './cem-replies.js';

const frame = (message: Record<string, unknown>): BrokerFrame =>
  ({ type: 'message', sessionId: 's', rmNodeId: 'rm', cemNodeId: 'cem', message }) as unknown as BrokerFrame;

describe('repliesTo', () => {
  it('acknowledges an RM message and selects the first control type a ResourceManagerDetails offers', () => {
    expect(
      repliesTo(
        frame({
          message_type: 'ResourceManagerDetails',
          message_id: 'rmd-1',
          available_control_types: ['POWER_ENVELOPE_BASED_CONTROL', 'FILL_RATE_BASED_CONTROL'],
        }),
        () => 'new-id',
      ),
    ).toEqual([
      { rmNodeId: 'rm', message: { message_type: 'ReceptionStatus', subject_message_id: 'rmd-1', status: 'OK' } },
      {
        rmNodeId: 'rm',
        message: {
          message_type: 'SelectControlType',
          message_id: 'new-id',
          control_type: 'POWER_ENVELOPE_BASED_CONTROL',
        },
      },
    ]);
  });

  it('answers no ReceptionStatus and no other frame', () => {
    expect(repliesTo(frame({ message_type: 'ReceptionStatus', subject_message_id: 'x', status: 'OK' }))).toEqual([]);
    expect(repliesTo({ type: 'session.closed', sessionId: 's', rmNodeId: 'rm', cemNodeId: 'c', reason: 'x' })).toEqual(
      [],
    );
    expect(repliesTo(frame({ message_type: 'PowerMeasurement', message_id: 'pm' }))).toHaveLength(1);
  });
});
