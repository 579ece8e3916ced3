import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UserRecord } from '#store';

/** The signed-in user of a route guarded by `OperatorUserGuard`. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): UserRecord => {
  const { consoleUser } = context.switchToHttp().getRequest<{ consoleUser?: UserRecord }>();
  if (consoleUser === undefined) throw new Error('@CurrentUser() on a route without OperatorUserGuard');
  return consoleUser;
});
