// What `cem tail --reply` answers, as the least a CEM must do for an RM's conversation to go on: a
// ReceptionStatus OK for every RM message (S2 asks one for each message but a ReceptionStatus), and
// for a ResourceManagerDetails a SelectControlType of the first control type it offers.
import { randomUUID } from 'node:crypto';
import type { BrokerFrame, ChannelS2Message } from '#cem-client';

export interface Reply {
  readonly rmNodeId: string;
  readonly message: ChannelS2Message;
}

export function repliesTo(frame: BrokerFrame, newId: () => string = randomUUID): Reply[] {
  if (frame.type !== 'message') return [];
  const { message, rmNodeId } = frame;
  const id: unknown = 'message_id' in message ? message.message_id : undefined;
  if (message.message_type === 'ReceptionStatus' || typeof id !== 'string') return [];
  const replies: Reply[] = [
    {
      rmNodeId,
      message: { message_type: 'ReceptionStatus', subject_message_id: id, status: 'OK' } as ChannelS2Message,
    },
  ];
  const offered: unknown = 'available_control_types' in message ? message.available_control_types : undefined;
  if (message.message_type === 'ResourceManagerDetails' && Array.isArray(offered) && typeof offered[0] === 'string') {
    replies.push({
      rmNodeId,
      message: { message_type: 'SelectControlType', message_id: newId(), control_type: offered[0] } as ChannelS2Message,
    });
  }
  return replies;
}
