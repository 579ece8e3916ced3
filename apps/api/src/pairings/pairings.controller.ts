import { Delete, HttpCode, Param } from '@nestjs/common';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { TenantApiController } from '../http/api-controller.js';
import { UnpairRm } from './unpair-rm.use-case.js';

@TenantApiController('pairings')
export class PairingsController {
  constructor(private readonly unpairRm: UnpairRm) {}

  @Delete(':rmNodeId')
  @HttpCode(204)
  async unpair(@CurrentTenant() caller: TenantPrincipal, @Param('rmNodeId') rmNodeId: string): Promise<void> {
    await this.unpairRm.execute(caller, rmNodeId);
  }
}
