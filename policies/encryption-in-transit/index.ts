export { elasticacheInTransit } from "./elasticache-in-transit";
export { emrEncryptionInTransit } from "./emr-encryption-in-transit";
export { lbListenerHttps } from "./lb-listener-https";
export { redshiftRequireSsl } from "./redshift-require-ssl";
export { s3BucketTlsOnly } from "./s3-bucket-tls-only";
export { cloudfrontTls } from "./cloudfront-tls";
export { quicksightDataSourceSsl } from "./quicksight-data-source-ssl";
