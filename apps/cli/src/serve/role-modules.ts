import type { Type } from '@nestjs/common';
import { ApiModule } from '../../../api/src/api.module.js';
import { GatewayModule } from '../../../gateway/src/gateway.module.js';
import { WorkerModule } from '../../../worker/src/worker.module.js';
import type { Role } from '../../../../libs/config/src/index.js';

const ROLE_MODULES: Record<Role, Type> = {
  gateway: GatewayModule,
  api: ApiModule,
  worker: WorkerModule,
};

export function roleModules(roles: readonly Role[]): Type[] {
  return roles.map((role) => ROLE_MODULES[role]);
}
