export * from './signing-keys';
export * from './token-scope';
export * from './registry-token.service';
export * from './registry-token-verifier';
