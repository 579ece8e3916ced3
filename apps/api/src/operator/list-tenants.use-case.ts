import { Injectable } from '@nestjs/common';
import { type TenantRecord, TenantRepository } from '../../../../libs/store/src/index.js';

/** `GET /admin/v1/tenants`. */
@Injectable()
export class ListTenants {
  constructor(private readonly tenants: TenantRepository) {}

  execute(): Promise<TenantRecord[]> {
    return this.tenants.list();
  }
}
