import { Module } from '@nestjs/common';

/** The `api` role: S2 Connect pairing and session HTTP endpoints, tenant and operator APIs. */
@Module({})
export class ApiModule {}
