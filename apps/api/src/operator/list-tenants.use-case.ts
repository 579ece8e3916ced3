import { Injectable } from '@nestjs/common';
import { type ListPosition, type Page, type PageRequest, type TenantDetails, TenantRepository } from '#store';

/** `GET /admin/v1/tenants`. */
@Injectable()
export class ListTenants {
  constructor(private readonly tenants: TenantRepository) {}

  execute(page: PageRequest<ListPosition>): Promise<Page<TenantDetails>> {
    return this.tenants.list(page);
  }
}
