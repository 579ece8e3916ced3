import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { TenantJwtGuard } from '../auth/tenant-jwt.guard.js';
import { ApiErrorFilter } from '../errors/api-error.filter.js';
import { OperatorGuard } from '../operator/operator.guard.js';

// Every controller of the api role is declared through one of these, so that none can forget the
// error mapping or, behind its prefix, the authentication.

/** A controller that needs no caller identity (or checks it itself). */
export function PublicApiController(path: string): ClassDecorator {
  return applyDecorators(Controller(path), UseFilters(ApiErrorFilter));
}

/** Under `/api/v1/`, for a tenant's service account with a JWT. */
export function TenantApiController(path: string): ClassDecorator {
  return applyDecorators(Controller(`api/v1/${path}`), UseFilters(ApiErrorFilter), UseGuards(TenantJwtGuard));
}

/** Under `/admin/v1/`, for the operator with `OPERATOR_TOKEN`. */
export function OperatorApiController(path: string): ClassDecorator {
  return applyDecorators(Controller(`admin/v1/${path}`), UseFilters(ApiErrorFilter), UseGuards(OperatorGuard));
}
