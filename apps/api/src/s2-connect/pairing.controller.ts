import { Body, Controller, Get, Headers, HttpCode, Post, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { PairingAddressGuard } from '../rate-limit/address-budget.guard.js';
import type { ConnectionDetails, RequestPairingResponse } from '#s2-connect';
import { PairingStepsUseCase } from './pairing-steps.use-case.js';
import { RequestPairingUseCase } from './request-pairing.use-case.js';
import { bearerToken } from '#security';
import { S2ConnectExceptionFilter } from './s2-connect-exception.filter.js';
import { S2ConnectOutcomes } from './s2-connect-outcomes.js';

/**
 * The pairing API of the whole broker (one S2 endpoint hosting every tenant's CEM nodes). The LAN-only
 * operations (/endpoint, /nodes, /preparePairing, /cancelPreparePairing, /waitForPairing) are not
 * routes here, so they answer 404 as the specification recommends for WAN endpoints. Beyond the
 * specification's one-second answer, each source address and each CEM node has a budget (429).
 */
@Controller('pairing')
@UseFilters(S2ConnectExceptionFilter)
@UseGuards(PairingAddressGuard)
@UseInterceptors(S2ConnectOutcomes)
export class PairingController {
  constructor(
    private readonly requestPairingUseCase: RequestPairingUseCase,
    private readonly steps: PairingStepsUseCase,
  ) {}

  @Get()
  versions(): string[] {
    return ['v1'];
  }

  @Post('v1/requestPairing')
  @HttpCode(200)
  requestPairing(@Body() body: unknown): Promise<RequestPairingResponse> {
    return this.requestPairingUseCase.execute(body);
  }

  @Post('v1/requestConnectionDetails')
  @HttpCode(200)
  requestConnectionDetails(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<ConnectionDetails> {
    return this.steps.requestConnectionDetails(bearerToken(authorization), body);
  }

  @Post('v1/postConnectionDetails')
  @HttpCode(204)
  postConnectionDetails(@Headers('authorization') authorization: string | undefined): Promise<never> {
    return this.steps.postConnectionDetails(bearerToken(authorization));
  }

  @Post('v1/finalizePairing')
  @HttpCode(204)
  finalizePairing(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<void> {
    return this.steps.finalizePairing(bearerToken(authorization), body);
  }
}
