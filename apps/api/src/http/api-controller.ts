import { applyDecorators, Controller, HttpStatus, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiResponse } from '@nestjs/swagger';
import { OperatorUserGuard, TenantPrincipalGuard } from '../auth/principal.guard.js';
import { ApiErrorFilter } from '../errors/api-error.filter.js';
import { OperatorGuard } from '../operator/operator.guard.js';
import { CONSOLE_SECURITY, OPERATOR_SECURITY, TENANT_SECURITY } from '../openapi/api-docs.js';
import { componentRef, errorBody } from '../openapi/components.js';

// Every controller of the api role is declared through one of these, so that none can forget the
// error mapping or, behind its prefix, the authentication.

// The guard's refusal, in the OpenAPI document of every operation behind it.
const unauthorized = ApiResponse({
  status: HttpStatus.UNAUTHORIZED,
  description: 'Unauthorized',
  schema: componentRef(errorBody),
});

// A console session's refusals: the CSRF header, or a role that may not do this.
const forbidden = ApiResponse({
  status: HttpStatus.FORBIDDEN,
  description: 'Forbidden: with a console session, a missing or wrong CSRF token, or a role that may not',
  schema: componentRef(errorBody),
});

/** A controller that needs no caller identity (or checks it itself). */
export function PublicApiController(path: string): ClassDecorator {
  return applyDecorators(Controller(path), UseFilters(ApiErrorFilter));
}

/** Under `/api/v1/`, for a tenant's service account with a JWT or a tenant's user with a console session. */
export function TenantApiController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(`api/v1/${path}`),
    UseFilters(ApiErrorFilter),
    UseGuards(TenantPrincipalGuard),
    ApiBearerAuth(TENANT_SECURITY),
    ApiCookieAuth(CONSOLE_SECURITY),
    unauthorized,
    forbidden,
  );
}

/** Under `/api/v1/operator/`, for a signed-in user with role `operator`. */
export function OperatorViewController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(`api/v1/operator/${path}`),
    UseFilters(ApiErrorFilter),
    UseGuards(OperatorUserGuard),
    ApiCookieAuth(CONSOLE_SECURITY),
    unauthorized,
    forbidden,
  );
}

/** Under `/admin/v1/`, for the operator with `OPERATOR_TOKEN`. */
export function OperatorApiController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(`admin/v1/${path}`),
    UseFilters(ApiErrorFilter),
    UseGuards(OperatorGuard),
    ApiBearerAuth(OPERATOR_SECURITY),
    unauthorized,
  );
}
