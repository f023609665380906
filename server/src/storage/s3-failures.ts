import { EX_CONFIG, EX_NOPERM, EX_UNAVAILABLE, StartupFailure } from '@earshot/shared/cli';

/** The fields of an AWS SDK v3 service or network error these explanations read. */
interface S3Error {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const REFUSED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'Forbidden',
  'CredentialsProviderError',
]);

/**
 * A bucket check that failed, in one line with the setting to fix. HeadBucket answers with a
 * status and no body, so the status says as much as the name: 404 no bucket, 403 not ours.
 */
export function explainS3Error(bucket: string, endpoint: string, error: unknown): StartupFailure {
  const { name, code, $metadata } = (error ?? {}) as S3Error;
  const status = $metadata?.httpStatusCode;
  const where = `S3 bucket ${JSON.stringify(bucket)} at ${endpoint}`;
  if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') {
    return new StartupFailure(`${where} does not exist (create it, or set storage.s3.bucket)`, EX_CONFIG, {
      cause: error,
    });
  }
  if (name === 'CredentialsProviderError') {
    return new StartupFailure(
      `${where}: no credentials found (set storage.s3.accessKeyId and storage.s3.secretAccessKey, or the AWS_* environment)`,
      EX_NOPERM,
      { cause: error },
    );
  }
  if (status === 401 || status === 403 || (name !== undefined && REFUSED.has(name))) {
    return new StartupFailure(
      `${where} refused the credentials (${name ?? status}): check storage.s3.accessKeyId and storage.s3.secretAccessKey`,
      EX_NOPERM,
      { cause: error },
    );
  }
  const reason = code ?? name ?? (error instanceof Error ? error.message : String(error));
  return new StartupFailure(
    `${where} is unreachable (${reason}): check storage.s3.endpoint and the network`,
    EX_UNAVAILABLE,
    {
      cause: error,
    },
  );
}
