import { Type } from '@sinclair/typebox';

/** S3-compatible object storage (AWS S3, MinIO, Yandex Object Storage) instead of a directory. */
const S3Storage = Type.Object(
  {
    bucket: Type.String({ minLength: 3, description: 'S3 bucket (instead of storage.dir)' }),
    region: Type.String({ default: 'us-east-1', description: 'S3 region' }),
    endpoint: Type.Optional(Type.String({ description: 'e.g. https://storage.yandexcloud.net; omit for AWS' })),
    accessKeyId: Type.Optional(Type.String({ description: 'S3 key id; default: the AWS SDK credential chain' })),
    secretAccessKey: Type.Optional(Type.String({ description: 'S3 secret key' })),
    forcePathStyle: Type.Boolean({
      default: true,
      description: 'path-style URLs (MinIO and most S3-compatible stores)',
    }),
    prefix: Type.String({ default: '', description: 'key prefix inside the bucket' }),
    presignSeconds: Type.Integer({
      minimum: 1,
      maximum: 604800,
      default: 900,
      description: 'lifetime of a presigned audio link, seconds',
    }),
  },
  { additionalProperties: false },
);

/** Where the database lives. */
export const DatabaseConfig = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        description: 'sqlite:<path> or postgres://user:pass@host/db[?schema=s]; default <dataDir>/earshot.db',
      }),
    ),
  },
  { additionalProperties: false, default: {} },
);

/** Where clip audio lives: a directory, or S3-compatible storage. */
export const StorageConfig = Type.Object(
  {
    dir: Type.Optional(Type.String({ description: 'clip audio directory; default <dataDir>/clips' })),
    s3: Type.Optional(S3Storage),
  },
  { additionalProperties: false, default: {} },
);
