import { Injectable } from '@nestjs/common';
import {
  type Page,
  type TenantCursor,
  type TenantDetails,
  TenantRepository,
} from '../../../../libs/store/src/index.js';

/** `GET /admin/v1/tenants`. */
@Injectable()
export class ListTenants {
  constructor(private readonly tenants: TenantRepository) {}

  execute(page: { limit: number; cursor?: TenantCursor | undefined }): Promise<Page<TenantDetails>> {
    return this.tenants.list({ limit: page.limit, after: page.cursor });
  }
}
