/** `operator` has no tenant; `admin` and `viewer` belong to one. */
export type UserRole = 'admin' | 'viewer' | 'operator';

export const USER_ROLES: readonly UserRole[] = ['admin', 'viewer', 'operator'];

/** A console user as the console shows it: never the password hash. */
export interface UserRecord {
  id: string;
  tenantId: string | null;
  email: string;
  name: string;
  role: UserRole;
  createdAt: Date;
  disabledAt: Date | null;
}

/** What sign-in checks: the record and its hash. */
export interface UserCredentials {
  user: UserRecord;
  passwordHash: string;
  /** Whether the user's tenant (when it has one) is active. */
  tenantActive: boolean;
}

export interface NewUser {
  id: string;
  tenantId: string | null;
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string;
}

export interface NewInvitation {
  id: string;
  /** SHA-256 of the token; the token itself is shown once, in the link. */
  tokenHash: string;
  tenantId: string | null;
  email: string;
  role: UserRole;
  invitedBy: string | null;
  expiresAt: Date;
}

export interface InvitationRecord extends Omit<NewInvitation, 'tokenHash'> {
  usedAt: Date | null;
  createdAt: Date;
}

export interface NewConsoleSession {
  /** SHA-256 of the cookie's token. */
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

/** A live session and its user, as every request authenticated by the cookie needs them. */
export interface ConsoleSessionRecord {
  id: string;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  user: UserRecord;
}
