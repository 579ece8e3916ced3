import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { describeIssues, problemOf } from './zod-issues.js';

/**
 * Validates a request body against a zod schema: `@Body(new ZodBodyPipe(schema))`. A bad body is a
 * 400 naming the field. The schemas are strict, so unknown properties are refused rather than dropped.
 */
export class ZodBodyPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.output<Schema>> {
  /** `maxIssues`: a long list (a batch of bad items) is cut, the first problems named, the rest counted. */
  constructor(
    private readonly schema: Schema,
    private readonly maxIssues = Infinity,
  ) {}

  transform(value: unknown): z.output<Schema> {
    // No body at all (or one that is not JSON, which no parser read) is checked as an empty object, so
    // that the answer names the missing fields.
    const result = this.schema.safeParse(value ?? {}, { error: problemOf });
    if (!result.success) {
      const { issues } = result.error;
      const more = issues.length - this.maxIssues;
      const described = describeIssues(issues.slice(0, this.maxIssues));
      throw new BadRequestException(more > 0 ? `${described}; and ${more} more` : described);
    }
    return result.data;
  }
}
