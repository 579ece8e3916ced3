/** The columns of a `UserRecord`: everything but the password hash. */
export const USER_FIELDS = {
  id: true,
  tenantId: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  disabledAt: true,
} as const;
