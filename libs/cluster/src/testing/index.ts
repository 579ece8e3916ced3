// For specs and e2e tests only: the contract every SessionDirectory meets.
export * from './session-directory.contract.js';
