import { Injectable } from '@nestjs/common';

/** The current time, as a class so that tests can stop or move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
