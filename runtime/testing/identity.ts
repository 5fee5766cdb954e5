/**
 * The region and account the emulators and test events use. A module of its own so that sample
 * generators (`npm run sample`) can build events without loading the emulators and the AWS SDK.
 */
export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
