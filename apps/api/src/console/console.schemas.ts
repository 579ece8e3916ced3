import { z } from 'zod';
import type { InvitationRecord, UserRecord } from '#store';
import { label } from '../http/schemas.js';
import { component, isoDateTime } from '../openapi/components.js';

/** Compared lower-cased: `Ann@Example.com` and `ann@example.com` are one person. */
export const email = z.email().max(254);

/** Long enough that guessing it is hopeless at the sign-in bounds; no other rule, as NIST 800-63B advises. */
export const newPassword = z.string().min(12).max(256);

export const signInRequest = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
});

export const acceptInvitationRequest = z.strictObject({
  token: z.string().min(1).max(200),
  name: label,
  password: newPassword,
});

export const tenantInvitationRequest = z.strictObject({ email, role: z.enum(['admin', 'viewer']) });

export const userChangesRequest = z
  .strictObject({ role: z.enum(['admin', 'viewer']).optional(), disabled: z.boolean().optional() })
  .refine((changes) => changes.role !== undefined || changes.disabled !== undefined, {
    message: 'give role, disabled or both',
  });

export const operatorInvitationRequest = z.strictObject({ email });

export const userViewSchema = component(
  'ConsoleUser',
  z.object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'viewer', 'operator']),
    tenantId: z.uuid().nullable().meta({ description: 'null for an operator' }),
    createdAt: isoDateTime,
    disabledAt: isoDateTime.nullable().meta({ description: 'since when the user may not sign in; null: enabled' }),
  }),
);

export const userListSchema = component('ConsoleUserList', z.object({ items: z.array(userViewSchema) }));

export const consoleSessionSchema = component(
  'ConsoleSession',
  z.object({
    user: userViewSchema,
    csrfToken: z.string().meta({ description: 'send it as `x-csrf-token` with every request but GET and HEAD' }),
  }),
);

export const invitationViewSchema = component(
  'UserInvitation',
  z.object({
    id: z.uuid(),
    email: z.string(),
    role: z.enum(['admin', 'viewer', 'operator']),
    invitationUrl: z.string().meta({ description: 'shown this once: whoever opens it may join' }),
    expiresAt: isoDateTime,
  }),
);

export type UserView = z.output<typeof userViewSchema>;
export type InvitationView = z.output<typeof invitationViewSchema>;

export function userView(user: UserRecord): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    tenantId: user.tenantId,
    createdAt: user.createdAt.toISOString(),
    disabledAt: user.disabledAt?.toISOString() ?? null,
  };
}

export function invitationView(invitation: InvitationRecord, invitationUrl: string): InvitationView {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    invitationUrl,
    expiresAt: invitation.expiresAt.toISOString(),
  };
}
