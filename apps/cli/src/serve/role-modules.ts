import type { Type } from '@nestjs/common';
import { ApiModule } from '#api';
import { GatewayModule } from '#gateway';
import { WorkerModule } from '#worker';
import type { Role } from '#config';

const ROLE_MODULES: Record<Role, Type> = {
  gateway: GatewayModule,
  api: ApiModule,
  worker: WorkerModule,
};

export function roleModules(roles: readonly Role[]): Type[] {
  return roles.map((role) => ROLE_MODULES[role]);
}
