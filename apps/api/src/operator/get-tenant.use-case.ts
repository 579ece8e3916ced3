import { Injectable } from '@nestjs/common';
import { type TenantDetails, TenantRepository } from '#store';
import { TenantNotFoundError } from '../errors/api-error.js';

/** `GET /admin/v1/tenants/{id}`. */
@Injectable()
export class GetTenant {
  constructor(private readonly tenants: TenantRepository) {}

  async execute(id: string): Promise<TenantDetails> {
    const tenant = await this.tenants.find(id);
    if (tenant === null) throw new TenantNotFoundError();
    return tenant;
  }
}
