// The example serverless app's function: lists the objects of the bucket it is bound to.
// FILES_BUCKET_NAME is handed over by `app.bind(files)`.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({});

export async function handler(event) {
  if (event.routeKey === 'GET /health') {
    return { statusCode: 200, body: 'ok' };
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: process.env.FILES_BUCKET_NAME, MaxKeys: 50 }));
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ files: (listed.Contents ?? []).map(o => o.Key) }),
  };
}
