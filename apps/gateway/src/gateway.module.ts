import { Module } from '@nestjs/common';

/** The `gateway` role: RM and CEM WebSockets (`/s2/v1/ws`, `/cem/v1/ws`). Filled in by later work. */
@Module({})
export class GatewayModule {}
