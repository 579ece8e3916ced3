export interface ConfigIssue {
  variable: string;
  problem: string;
}

/**
 * Thrown by `loadConfig`. Its message is a single line meant for stderr at boot; it names variables and
 * says what is wrong, and never contains a value (URLs and tokens may carry credentials).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid configuration: ${issues.map((issue) => `${issue.variable} ${issue.problem}`).join('; ')}`);
  }
}
