import { Body, Controller, Get, Headers, HttpCode, Post, UseFilters, UseInterceptors } from '@nestjs/common';
import type { InitiateSessionResponse, WebSocketCommunicationDetails } from '#s2-connect';
import { bearerToken } from '#security';
import { S2ConnectExceptionFilter } from './s2-connect-exception.filter.js';
import { S2ConnectOutcomes } from './s2-connect-outcomes.js';
import { ConfirmAccessTokenUseCase, InitiateSessionUseCase, UnpairUseCase } from './session.use-cases.js';

/** Session initiation and unpairing: the broker is always the communication server towards RMs. */
@Controller('session')
@UseFilters(S2ConnectExceptionFilter)
@UseInterceptors(S2ConnectOutcomes)
export class SessionController {
  constructor(
    private readonly initiate: InitiateSessionUseCase,
    private readonly confirm: ConfirmAccessTokenUseCase,
    private readonly unpairUseCase: UnpairUseCase,
  ) {}

  @Get()
  versions(): string[] {
    return ['v1'];
  }

  @Post('v1/initiateSession')
  @HttpCode(200)
  initiateSession(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<InitiateSessionResponse> {
    return this.initiate.execute(bearerToken(authorization), body);
  }

  @Post('v1/confirmAccessToken')
  @HttpCode(200)
  confirmAccessToken(
    @Headers('authorization') authorization: string | undefined,
  ): Promise<WebSocketCommunicationDetails> {
    return this.confirm.execute(bearerToken(authorization));
  }

  @Post('v1/unpair')
  @HttpCode(204)
  unpair(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<void> {
    return this.unpairUseCase.execute(bearerToken(authorization), body);
  }
}
