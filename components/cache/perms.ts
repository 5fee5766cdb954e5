/** What a client of the cache needs to read the AUTH token (plus decrypt on the secrets key). */
export const AUTH_TOKEN_READ_ACTIONS = [
  "secretsmanager:GetSecretValue",
  "secretsmanager:DescribeSecret",
] as const;

/** Key actions that go with reading the token. */
export const AUTH_TOKEN_KEY_ACTIONS = ["kms:Decrypt"] as const;
