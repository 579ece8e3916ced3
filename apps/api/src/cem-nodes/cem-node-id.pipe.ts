import { CemNodeNotFoundError } from '../errors/api-error.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';

/** `{id}` of the cem-nodes routes. */
export const cemNodeIdPipe = new UuidParamPipe(() => new CemNodeNotFoundError());
